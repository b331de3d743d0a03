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

    /**
     * What is wrong with a JSON input, in one line: Jackson's own message, and its line where it has one. A document nested
     * 100,000 deep stops at the reader's depth limit (1,000) with no location at all, and reading that location was a
     * NullPointerException, reported as a bug.
     */
    public static String problem(com.fasterxml.jackson.core.JsonProcessingException e) {
        String what = String.valueOf(e.getOriginalMessage()).replaceAll(", from `[^`]*`", "").replace('\n', ' ');
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) what += ": beyond what any ClipBench file holds";
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        return at != null && at.getLineNr() > 0 ? what + " at line " + at.getLineNr() : what;
    }

    public static <T> T read(ObjectMapper json, java.nio.file.Path file, Class<T> type) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return read(json, in, type);
        }
    }
}
