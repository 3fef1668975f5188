package dev.versionobserver.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven through chromedriver, with a fresh profile per instance (so storage starts
 * empty) and the background-networking flags this sandbox needs.
 */
public final class Browser implements AutoCloseable {

    private static final String CHROMEDRIVER = System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
    private static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");

    /** Selenium warns on every start that it has no CDP bindings for this Chromium; we use none. */
    private static final java.util.logging.Logger CDP_LOG =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    private final ChromeDriver driver;
    private final Path profile;

    /** Whether the configured Chromium and chromedriver (the properties this class honours) are installed. */
    public static boolean available() {
        return Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
    }

    /** What {@link #available()} looks for, for messages. */
    public static String binaries() {
        return CHROMIUM + " and " + CHROMEDRIVER;
    }

    public Browser() throws Exception {
        profile = Files.createTempDirectory("vo-chrome");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    public WebDriver driver() {
        return driver;
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Runs {@code script} at the start of every document this tab loads from now on, before the page's own
     * scripts: how a test sets {@code window.versionObserverOptions} as an app would in its page.
     */
    public void onEveryDocument(String script) {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", java.util.Map.of("source", script));
    }

    /** Number of version banners in the current tab. */
    public long banners() {
        return driver.findElements(By.tagName("version-observer-banner")).size();
    }

    /** The client's connection status in the current tab ("connected", "reconnecting", ...). */
    public String status() {
        return (String) js("return document.documentElement.dataset.versionObserver || ''");
    }

    public List<String> windows() {
        return List.copyOf(driver.getWindowHandles());
    }

    @Override
    public void close() throws Exception {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
