package dev.griddle.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.server.ApiTest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}):
 * sign in, find a waiting run, open its graph, approve it from the inbox and watch its page turn to
 * succeeded without a reload; a viewer sees no Approve button; no page asks anything of another
 * server. Skipped, saying how to enable it, when the browser or its driver is not installed.
 * Screenshots of the run page and the inbox go to {@code target/console-screenshots}.
 */
class ConsoleBrowserTest extends ApiTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("griddle.test.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("griddle.test.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private WebDriver browser;
    private Path profile;

    @BeforeEach
    void startBrowser() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Browser tests skipped: no " + CHROMIUM + " or " + CHROMEDRIVER + ". Install them (apt-get install -y chromium chromium-driver; "
                        + ".ci/run does) or point -Dgriddle.test.chromium and -Dgriddle.test.chromedriver at them.");
        profile = Files.createTempDirectory("griddle-chromium");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(2));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void approveAWaitingRunFromTheInboxAndWatchItSucceed() throws IOException {
        GriddleClient admin = newOrg();
        UUID[] waiting = ConsoleHttp.waitingRun(admin, "Ship the weekly report?");
        signIn(admin.keys().create(CreateKey.of("operator", "contributor")).secret());

        browser.findElement(By.linkText(waiting[0].toString())).click();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("g.node.state-waiting[data-step='sign_off']")));
        assertThat(browser.findElement(By.cssSelector("g.node[data-step='prepare']")).getAttribute("class")).contains("state-succeeded");
        assertThat(browser.findElement(By.id("run-status")).getText()).isEqualTo("waiting");
        ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");
        screenshot("console-run.png");
        String runTab = browser.getWindowHandle();
        noRequestLeavesTheServer();

        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(baseUrl() + "/console/approvals");
        assertThat(browser.findElement(By.cssSelector("[data-approval='" + waiting[1] + "'] h2")).getText()).isEqualTo("Ship the weekly report?");
        browser.findElement(By.id("comment-" + waiting[1])).sendKeys("Looks right");
        screenshot("console-approvals.png");
        noRequestLeavesTheServer();
        browser.findElement(By.cssSelector("[data-approval='" + waiting[1] + "'] button[value='approve']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Nothing is waiting for you."));

        browser.switchTo().window(runTab);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-status"), "succeeded"));
        assertThat(browser.findElement(By.cssSelector("g.node[data-step='sign_off']")).getAttribute("class")).contains("state-succeeded");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded === true;")).isEqualTo(true);
        assertThat(admin.runs().get(waiting[0]).status()).isEqualTo("succeeded");
    }

    @Test
    void aViewerSeesNoApproveButton() {
        GriddleClient admin = newOrg();
        UUID[] waiting = ConsoleHttp.waitingRun(admin, "Viewer cannot answer this");
        signIn(admin.keys().create(CreateKey.of("watcher", "viewer")).secret());
        browser.get(baseUrl() + "/console/approvals");
        assertThat(browser.findElement(By.cssSelector("[data-approval='" + waiting[1] + "']")).getText()).contains("Viewer cannot answer this");
        assertThat(browser.findElements(By.xpath("//button[normalize-space()='Approve' or normalize-space()='Reject']"))).isEmpty();
        browser.get(baseUrl() + "/console/runs/" + waiting[0]);
        assertThat(browser.findElements(By.xpath("//button[normalize-space()='Pause' or normalize-space()='Cancel now']"))).isEmpty();
    }

    @Test
    void theRunsFeedShowsANewRunWithoutAReloadAndAnalyticsDrawsItsChartsFromTheJar() {
        GriddleClient admin = newOrg();
        signIn(admin.keys().create(CreateKey.of("watcher", "viewer")).secret());
        ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");
        UUID[] waiting = ConsoleHttp.waitingRun(admin, "Appears by itself");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.linkText(waiting[0].toString())));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded === true;")).isEqualTo(true);

        browser.get(baseUrl() + "/console/analytics?window=day");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#runs-chart canvas")));
        assertThat(browser.findElements(By.cssSelector("#cost-chart canvas"))).isNotEmpty();
        noRequestLeavesTheServer();
    }

    @Test
    void theRunsPageAndARunsActionsAreReachableByKeyboardWithAVisibleFocus() {
        GriddleClient admin = newOrg();
        UUID[] waiting = ConsoleHttp.waitingRun(admin, "Reach me by keyboard");
        signIn(admin.keys().create(CreateKey.of("operator", "contributor")).secret());
        browser.get(baseUrl() + "/console/runs");
        WebElement first = tab(1).getFirst();
        assertThat(first.getText()).isEqualTo("Skip to content");
        assertThat(first.isDisplayed()).isTrue();
        assertVisibleFocus(first);
        first.sendKeys(Keys.ENTER);
        assertThat(active().getAttribute("id")).isEqualTo("main");

        browser.get(baseUrl() + "/console/runs");
        List<WebElement> reached = tab(60);
        assertThat(reached).anySatisfy(e -> assertThat(e.getAttribute("href")).isEqualTo(baseUrl() + "/console/runs/" + waiting[0]));
        assertThat(reached).anySatisfy(e -> assertThat(e.getText()).isEqualTo("Filter"));
        assertThat(reached).anySatisfy(e -> assertThat(e.getAttribute("href")).isEqualTo(baseUrl() + "/console/sessions"));
        assertThat(reached.stream().map(WebElement::getTagName).distinct()).isSubsetOf("a", "button", "input", "select", "textarea");
        WebElement runLink = reached.stream().filter(e -> (baseUrl() + "/console/runs/" + waiting[0]).equals(e.getAttribute("href"))).findFirst().orElseThrow();
        WebElement again = tab(reached.indexOf(runLink) + 1).getLast();
        assertThat(again).isEqualTo(runLink);
        assertVisibleFocus(runLink);
        new org.openqa.selenium.interactions.Actions(browser).sendKeys(Keys.ENTER).perform();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(baseUrl() + "/console/runs/" + waiting[0]));
        List<String> buttons = tab(80).stream().filter(e -> e.getTagName().equals("button")).map(WebElement::getText).toList();
        assertThat(buttons).contains("Pause", "Cancel now", "Cancel gracefully");
        noRequestLeavesTheServer();
    }

    @Test
    void atPhoneWidthNoPageScrollsSidewaysAndTheNavigationCollapses() throws IOException {
        GriddleClient admin = newOrg();
        UUID[] waiting = ConsoleHttp.waitingRun(admin, "A narrow screen");
        GriddleClient worker = client(admin.keys().create(CreateKey.of("w", "worker")).secret());
        ConsoleSessionsTest.Placed session = ConsoleSessionsTest.placed(admin, worker);
        dev.griddle.sdk.KnowledgeModels.Document doc = admin.knowledge().create(dev.griddle.sdk.KnowledgeModels.DocumentInput.text(
                "Handbook", "# Leave\n\nStaff get twenty days of alpaca leave every year.", "org", null));
        String runner = admin.runs().get(waiting[0]).runnerId().toString();
        signIn(admin.keys().create(CreateKey.of("operator", "admin")).secret());

        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.get(baseUrl() + "/console/sessions/" + session.id());
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("session-timeline"), "second line out"));
        screenshot("console-session.png");
        noRequestLeavesTheServer();
        browser.get(baseUrl() + "/console/knowledge?q=alpaca+leave&scope_type=org");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> {
            d.navigate().refresh();
            return !d.findElements(By.cssSelector("#hits .hit")).isEmpty();
        });
        screenshot("console-knowledge.png");
        noRequestLeavesTheServer();

        browser.manage().window().setSize(new Dimension(390, 844));
        for (String page : List.of("/console/runs", "/console/runs/" + waiting[0], "/console/approvals", "/console/runners", "/console/runners/" + runner,
                "/console/sessions", "/console/sessions/" + session.id(), "/console/session-templates", "/console/knowledge",
                "/console/knowledge?q=alpaca+leave&scope_type=org", "/console/knowledge/" + doc.id(), "/console/workers", "/console/threads",
                "/console/analytics", "/console/keys", "/console/secrets")) {
            browser.get(baseUrl() + page);
            long inner = ((Number) ((JavascriptExecutor) browser).executeScript("return window.innerWidth;")).longValue();
            long scroll = ((Number) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollWidth;")).longValue();
            assertThat(inner).as(page).isLessThanOrEqualTo(400);
            assertThat(scroll).as(page + ": the page is wider than the window, because of " + ((JavascriptExecutor) browser).executeScript(
                    "return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                            + ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ');"))
                    .isLessThanOrEqualTo(inner);
            noRequestLeavesTheServer();
        }
        browser.get(baseUrl() + "/console/runs");
        WebElement menu = browser.findElement(By.id("menu-toggle"));
        assertThat(menu.isDisplayed()).isTrue();
        By sessions = By.cssSelector("#console-nav a[href='/console/sessions']");
        assertThat(browser.findElement(sessions).isDisplayed()).isFalse();
        menu.click();
        assertThat(menu.getAttribute("aria-expanded")).isEqualTo("true");
        assertThat(browser.findElement(sessions).isDisplayed()).isTrue();
        screenshot("console-phone.png");
    }

    /** Presses Tab {@code times} times from the top of the page; the elements focused, in order. */
    private List<WebElement> tab(int times) {
        ((JavascriptExecutor) browser).executeScript("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
        List<WebElement> reached = new java.util.ArrayList<>();
        org.openqa.selenium.interactions.Actions keys = new org.openqa.selenium.interactions.Actions(browser);
        for (int i = 0; i < times; i++) {
            keys.sendKeys(Keys.TAB).perform();
            WebElement now = active();
            if (now.getTagName().equals("body") || !reached.isEmpty() && reached.getFirst().equals(now)) {
                break;
            }
            reached.add(now);
        }
        return reached;
    }

    private WebElement active() {
        return browser.switchTo().activeElement();
    }

    /** The focused element draws an outline (the console's focus ring), not the browser's nothing. */
    private void assertVisibleFocus(WebElement focused) {
        assertThat(active()).isEqualTo(focused);
        String style = (String) ((JavascriptExecutor) browser).executeScript(
                "var s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth;");
        assertThat(style).doesNotStartWith("none").doesNotEndWith(" 0px");
    }

    private void signIn(String key) {
        browser.get(baseUrl() + "/console/sign-in");
        String field = browser.findElement(By.xpath("//label[normalize-space()='API key']")).getAttribute("for");
        browser.findElement(By.id(field)).sendKeys(key);
        browser.findElement(By.xpath("//button[normalize-space()='Sign in']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(baseUrl() + "/console/runs"));
    }

    /** Every resource the current page loaded came from this server. */
    @SuppressWarnings("unchecked")
    private void noRequestLeavesTheServer() {
        List<String> urls = (List<String>) ((JavascriptExecutor) browser)
                .executeScript("return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);");
        assertThat(urls).isNotEmpty().allSatisfy(url -> assertThat(url).startsWith(baseUrl() + "/"));
        assertThat(urls).anySatisfy(url -> assertThat(url).contains("/webjars/htmx.org/"));
    }

    private void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name), ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
