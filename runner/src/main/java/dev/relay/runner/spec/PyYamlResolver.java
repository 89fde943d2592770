package dev.relay.runner.spec;

import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Implicit tag resolution exactly as PyYAML's {@code SafeLoader} (YAML 1.1) does it, which is
 * what KFP v1 loads component files with ({@code kfp/components/_yaml_utils.py}). SnakeYAML's own
 * resolver differs in details: it reads {@code 1e3} as a float, PyYAML as a string (PyYAML's float
 * needs a dot and a signed exponent).
 */
final class PyYamlResolver extends Resolver {
    static final Pattern PY_BOOL = Pattern.compile(
            "^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$");
    static final Pattern PY_FLOAT = Pattern.compile(
            "^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
                    + "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
                    + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
                    + "|[-+]?\\.(?:inf|Inf|INF)"
                    + "|\\.(?:nan|NaN|NAN))$");
    static final Pattern PY_INT = Pattern.compile(
            "^(?:[-+]?0b[0-1_]+"
                    + "|[-+]?0[0-7_]+"
                    + "|[-+]?(?:0|[1-9][0-9_]*)"
                    + "|[-+]?0x[0-9a-fA-F_]+"
                    + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$");
    static final Pattern PY_MERGE = Pattern.compile("^(?:<<)$");
    static final Pattern PY_NULL = Pattern.compile("^(?:~|null|Null|NULL|)$");
    static final Pattern PY_TIMESTAMP = Pattern.compile(
            "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
                    + "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
                    + "(?:[Tt]|[ \\t]+)[0-9][0-9]?"
                    + ":[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?"
                    + "(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$");
    static final Pattern PY_VALUE = Pattern.compile("^(?:=)$");

    @Override
    protected void addImplicitResolvers() {
        // Same order and first characters as PyYAML's resolver.py.
        addImplicitResolver(Tag.BOOL, PY_BOOL, "yYnNtTfFoO");
        addImplicitResolver(Tag.FLOAT, PY_FLOAT, "-+0123456789.");
        addImplicitResolver(Tag.INT, PY_INT, "-+0123456789");
        addImplicitResolver(Tag.MERGE, PY_MERGE, "<");
        addImplicitResolver(Tag.NULL, PY_NULL, "~nN\0");
        addImplicitResolver(Tag.TIMESTAMP, PY_TIMESTAMP, "0123456789");
        // PyYAML also resolves "=" to tag:yaml.org,2002:value, which SafeLoader cannot construct;
        // SnakeYAML has no such tag, so a lone "=" stays a string here.
    }
}
