package org.clipbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * index.html in a real headless Chromium with every host name unresolvable: the page must load, log no
 * console error, and draw every chart. Skips with a notice where Chromium is not installed (.ci/run
 * installs Debian's chromium).
 */
class ReportBrowserTest {
    static Path chromium;

    @BeforeAll
    static void findChromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                chromium = Path.of(c);
                return;
            }
        }
        System.err.println("NOTICE: ReportBrowserTest SKIPPED: no Chromium at /usr/bin/chromium; install Debian's chromium (.ci/run does) to check the HTML report");
        Assumptions.abort("no Chromium installed");
    }

    record Run(String stdout, String stderr) {
    }

    static Run chromium(Path profile, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=20000", "--allow-file-access-from-files"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(profile.getParent(), "out", ".txt"), err = Files.createTempFile(profile.getParent(), "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        return new Run(Files.readString(out), Files.readString(err));
    }

    @Test
    void everyChartRendersOfflineWithoutConsoleErrors(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("report");
        Report.Outcome o = Report.build(List.of(ReportTest.BENCH, ReportTest.SWEEP), report);
        String url = o.index().toAbsolutePath().toUri().toString();

        Run dom = chromium(tmp.resolve("profile1"), "--dump-dom", url);
        Matcher figures = Pattern.compile("data-figures=\"(\\d+)\"").matcher(dom.stdout());
        Matcher rendered = Pattern.compile("data-rendered=\"(\\d+)\"").matcher(dom.stdout());
        assertThat(figures.find()).as("the page script finished (stderr: %s)", dom.stderr()).isTrue();
        assertThat(rendered.find()).isTrue();
        assertThat(Integer.parseInt(figures.group(1))).isEqualTo(o.figureFiles().size() / 2);
        assertThat(rendered.group(1)).as("charts drawn").isEqualTo(figures.group(1));
        assertThat(dom.stdout()).contains("class=\"main-svg\"");
        List<String> console = dom.stderr().lines().filter(l -> l.contains("CONSOLE")).toList();
        // chromium logs console.error, console.warn and uncaught exceptions alike as CONSOLE lines: the page must log none
        assertThat(console).as("console messages").isEmpty();

        Path png = tmp.resolve("page.png");
        chromium(tmp.resolve("profile2"), "--screenshot=" + png, "--window-size=1200,2400", url);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        long coloured = 0;
        for (int y = 0; y < img.getHeight(); y += 4) {
            for (int x = 0; x < img.getWidth(); x += 4) {
                int rgb = img.getRGB(x, y), r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) coloured++; // chart lines and bars, not text
            }
        }
        assertThat(coloured).as("coloured pixels in the screenshot (charts drawn)").isGreaterThan(200);
    }
}
