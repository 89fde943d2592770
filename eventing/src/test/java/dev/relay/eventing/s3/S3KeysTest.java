package dev.relay.eventing.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3KeysTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        `a+b`                          | `a b`
        `a%2Bb`                        | `a+b`
        `a%2bb`                        | `a+b`
        `a%2Fb`                        | `a/b`
        `a/b`                          | `a/b`
        `Happy%20Face.jpg`             | `Happy Face.jpg`
        `r%C3%A9sum%C3%A9`             | `résumé`
        `%E6%95%B0%E6%8D%AE`           | `数据`
        `%F0%9F%98%80`                 | `😀`
        `%28final%29+%26`              | `(final) &`
        `100%`                         | `100%`
        `100%2`                        | `100%2`
        `%zz`                          | `%zz`
        `plain-key_1.txt`              | `plain-key_1.txt`
        `é`                            | `é`
        """)
    void formDecode(String encoded, String decoded) {
        assertEquals(decoded, S3Keys.formDecode(encoded));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        `pipelines/in put/Q1+Q2 résumé & 数据 (final).csv` | `pipelines%2Fin+put%2FQ1%2BQ2+r%C3%A9sum%C3%A9+%26+%E6%95%B0%E6%8D%AE+%28final%29.csv`
        `v2/artifacts/iris-pipeline/8d0a1b2c/train-model/model` | `v2%2Fartifacts%2Firis-pipeline%2F8d0a1b2c%2Ftrain-model%2Fmodel`
        `a~b*c`                                            | `a~b%2Ac`
        `A-Z_a.z`                                          | `A-Z_a.z`
        `%`                                                | `%25`
        `😀`                                               | `%F0%9F%98%80`
        """)
    void queryEscapeLikeGo(String key, String escaped) {
        assertEquals(escaped, S3Keys.queryEscape(key));
        assertEquals(key, S3Keys.formDecode(escaped));
    }

    @Test
    void emptyKey() {
        assertEquals("", S3Keys.queryEscape(""));
        assertEquals("", S3Keys.formDecode(""));
    }
}
