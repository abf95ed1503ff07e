package org.nce.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's headless Chromium driven by its chromedriver, as the browser tests use it. */
final class Chromium {
    static final Path BINARY = Path.of(System.getProperty("nce.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("nce.chromedriver", "/usr/bin/chromedriver"));

    private Chromium() {
    }

    /** Null when both are installed, else what is missing (the test is skipped with it). */
    static String missing() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER) ? null
                : "no Chromium here (" + BINARY + ", " + DRIVER + "): apt-get install chromium chromium-driver";
    }

    static WebDriver start() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(BINARY.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1440,960", "--lang=zh-CN", "--autoplay-policy=no-user-gesture-required");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, o);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return browser;
    }
}
