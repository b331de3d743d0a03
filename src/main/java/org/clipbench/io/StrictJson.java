package org.clipbench.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one JSON document and nothing after it. Jackson's FAIL_ON_TRAILING_TOKENS cannot be set on a mapper whose
 * deserializers read nested trees (it then checks inside the document), so the check is made here, at the top level.
 */
public final class StrictJson {
    private StrictJson() {
    }

    public static <T> T read(ObjectMapper json, InputStream in, Class<T> type) throws IOException {
        try (JsonParser p = json.createParser(in)) {
            T value = json.readValue(p, type);
            if (p.nextToken() != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "text after the end of the JSON document (at line "
                        + p.currentLocation().getLineNr() + "); a file holds one document");
            }
            return value;
        }
    }

    public static <T> T read(ObjectMapper json, java.nio.file.Path file, Class<T> type) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return read(json, in, type);
        }
    }
}
