package dev.relay.runner.index;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One valid entry of a task's {@code mlpipeline-ui-metadata.json}, with its data resolved.
 *
 * @param task    the task whose UI metadata holds it
 * @param entry   its index in the file's {@code outputs} array
 * @param type    {@code table}, {@code confusion_matrix}, {@code roc}, {@code markdown},
 *                {@code web-app} or {@code tensorboard}
 * @param storage the entry's {@code storage} as written ({@code inline}, {@code gcs}, {@code minio}...), or null
 * @param source  the entry's {@code source} as written (the content itself when inline)
 * @param link    where the content lives when Relay does not read it ({@code gs://}, {@code http(s)://},
 *                and a tensorboard's log dir), else null
 * @param data    the shape per type (see {@code docs/api.md}): table {@code {"header","rows"}},
 *                confusion_matrix {@code {"labels","axes","matrix"}} with {@code matrix[target][predicted]},
 *                roc {@code {"points":[{"fpr","tpr","threshold"}]}}, markdown {@code {"markdown"}},
 *                web-app {@code {"html"}}, tensorboard {@code {"logdir","image","podTemplateSpec"}};
 *                the read parts ({@code rows}, {@code matrix}, {@code points}, {@code markdown},
 *                {@code html}) are null when {@code link} is set
 */
public record Visualization(String task, int entry, String type, String storage, String source, String link, JsonNode data) {}
