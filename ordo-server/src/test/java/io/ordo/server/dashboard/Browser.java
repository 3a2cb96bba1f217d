package io.ordo.server.dashboard;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver (nothing is downloaded: Selenium
 * Manager is not on the classpath and both paths are given). Collects every console error and every
 * failed request of the pages it opens, so that a test can insist on none, and saves screenshots to
 * {@code target/dashboard-screenshots/} for people to look at.
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = System.getenv().getOrDefault("ORDO_CHROMIUM", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getenv().getOrDefault("ORDO_CHROMEDRIVER", "/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "dashboard-screenshots");
    static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriverService service;
    private final RemoteWebDriver driver;
    private final Path profile;
    private final String base;
    private final List<String> problems = new ArrayList<>();

    Browser(String baseUrl, int width, int height) {
        this(baseUrl, width, height, false);
    }

    /** @param dark asks pages for the dark theme (prefers-color-scheme: dark), as a system set to dark would */
    Browser(String baseUrl, int width, int height, boolean dark) {
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            throw new IllegalStateException("the dashboard's browser tests need Chromium and its driver: " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them; or set ORDO_CHROMIUM and ORDO_CHROMEDRIVER)");
        }
        this.base = baseUrl;
        try {
            profile = Files.createTempDirectory("ordo-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        if (dark) options.addArguments("--force-dark-mode");
        // a desktop window cannot be narrower than about 500 px: phone widths are emulated
        if (width < 500) options.setExperimentalOption("mobileEmulation", java.util.Map.of("deviceMetrics",
                java.util.Map.of("width", width, "height", height, "pixelRatio", 1.0, "touch", true)));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        // started here and driven as a remote: ChromeDriver's own start-up would look for Selenium Manager
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        try {
            service.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        driver = new RemoteWebDriver(service.getUrl(), options);
        driver.manage().timeouts().scriptTimeout(WAIT);
    }

    RemoteWebDriver driver() {
        return driver;
    }

    /** Opens a dashboard path, e.g. {@code /jobs}. */
    Browser open(String path) {
        collect();
        driver.get(base + path);
        return this;
    }

    WebElement waitFor(String css) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    WebElement waitFor(String css, Duration timeout) {
        return new WebDriverWait(driver, timeout).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    void waitUntil(String what, Predicate<Browser> condition) {
        waitUntil(what, condition, WAIT);
    }

    void waitUntil(String what, Predicate<Browser> condition, Duration timeout) {
        new WebDriverWait(driver, timeout).withMessage(what).until(d -> condition.test(this));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    boolean present(String css) {
        return !all(css).isEmpty();
    }

    String text(String css) {
        return driver.findElement(By.cssSelector(css)).getText();
    }

    void click(String css) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    /** Clicks the first button whose text is {@code label} (inside {@code scope}, a CSS selector). */
    void clickButton(String scope, String label) {
        By by = By.xpath(".//*[self::button or self::a][normalize-space(.)='" + label + "']");
        WebElement root = waitFor(scope);
        new WebDriverWait(driver, WAIT).until(d -> {
            List<WebElement> found = root.findElements(by);
            return !found.isEmpty() && found.get(0).isDisplayed() && found.get(0).isEnabled();
        });
        root.findElements(by).get(0).click();
    }

    /** Confirms the open confirmation dialog. */
    void confirm() {
        click("dialog.confirm [data-confirm=yes]");
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("dialog.confirm"), 0));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SHOTS);
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(SHOTS.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Console errors and failed requests since the last call (also gathered on every {@link #open}):
     * SEVERE console entries (uncaught errors, CSP violations, failed loads) and requests answered
     * 4xx/5xx, as the page's own performance timeline saw them. An API call answered 4xx is not a
     * failure of the page: it is the server's answer to something a person did, which the page shows
     * (a 409, a 422); an API 5xx is.
     */
    List<String> problems() {
        collect();
        List<String> out = List.copyOf(problems);
        problems.clear();
        return out;
    }

    private static final java.util.regex.Pattern API_ANSWER = java.util.regex.Pattern.compile(
            "https?://[^ ]+/api/[^ ]* - Failed to load resource: the server responded with a status of 4\\d\\d.*");

    private void collect() {
        try {
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                if (e.getLevel().intValue() < Level.SEVERE.intValue() || API_ANSWER.matcher(e.getMessage()).matches()) continue;
                problems.add("console: " + e.getMessage());
            }
            Object failed = js("return (performance.getEntriesByType('resource') || [])"
                    + ".filter(e => e.responseStatus >= 500 || e.responseStatus >= 400 && !new URL(e.name).pathname.startsWith('/api/'))"
                    + ".map(e => e.responseStatus + ' ' + e.name)");
            if (failed instanceof List<?> l) {
                for (Object f : l) {
                    String s = "request: " + f;
                    if (!problems.contains(s)) problems.add(s);
                }
            }
        } catch (RuntimeException e) {
            // no page yet
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory
            }
        }
    }
}
