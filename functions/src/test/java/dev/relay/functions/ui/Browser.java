package dev.relay.functions.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium through {@code /usr/bin/chromedriver} (Selenium), with a fresh
 * profile; tests skip with a message where either is missing ({@code .ci/run} installs both).
 * Collects the browser console and saves screenshots under {@code target/ui-screenshots/}.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("relay.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("relay.chromedriver", "/usr/bin/chromedriver"));
    static final Path SHOTS = Path.of("target", "ui-screenshots");

    final ChromeDriver driver;
    private final Path profile;
    private final List<String> console = new ArrayList<>();

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts Chromium, or skips the test when it or chromedriver is not installed. */
    static Browser start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "UI tests need " + CHROMIUM + " and " + DRIVER + " (apt-get install chromium chromium-driver; .ci/run does)");
        Path profile = Files.createTempDirectory("relay-chromium-");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1600,1300", "--user-data-dir=" + profile);
        o.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(d, profile);
    }

    void open(String url) {
        driver.get(url);
    }

    /** Waits up to {@code seconds} for {@code condition} to be non-null and not false. */
    <T> T until(int seconds, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds)).pollingEvery(Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    WebElement find(String css) {
        return until(30, d -> {
            List<WebElement> l = d.findElements(By.cssSelector(css));
            return l.isEmpty() ? null : l.get(0);
        });
    }

    /** The text of the first element matching {@code css}, read again when the page redrew it meanwhile. */
    String text(String css) {
        return until(30, d -> {
            List<WebElement> l = d.findElements(By.cssSelector(css));
            return l.isEmpty() ? null : l.get(0).getText();
        });
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Saves a PNG of the page as {@code target/ui-screenshots/<name>.png}. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SHOTS);
        Path p = SHOTS.resolve(name + ".png");
        Files.write(p, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return p;
    }

    /** @return the console's warnings and errors since the last call (SEVERE = errors, failed loads included) */
    List<String> consoleErrors() {
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                console.add(e.getMessage());
            }
        }
        List<String> out = List.copyOf(console);
        console.clear();
        return out;
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var s = Files.walk(profile)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
