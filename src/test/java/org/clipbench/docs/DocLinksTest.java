package org.clipbench.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every relative link of README.md and docs/*.md points at a file of the checkout (links are relative to their page). */
class DocLinksTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)");

    @Test
    void relativeLinksResolve() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) continue;
                Path base = page.getParent() == null ? Path.of(".") : page.getParent();
                if (!Files.exists(base.resolve(target))) broken.add(page + " -> " + target);
            }
        }
        assertThat(pages).hasSizeGreaterThan(5);
        assertThat(broken).as("broken relative links").isEmpty();
    }
}
