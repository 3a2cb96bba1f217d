package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.action.StepAction;
import io.ordo.core.model.ChildPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config errors name the field and the problem; variable references pass until they are substituted. */
class ValidationTest {
    private static final HttpAction HTTP = new HttpAction();
    private static final CrawlAction CRAWL = new CrawlAction();
    private static final TransformAction TRANSFORM = new TransformAction();
    private static final ExecAction EXEC = ExecAction.allowing(List.of("git"));
    private static final AgentAction AGENT = new AgentAction();
    private static final GitAction GIT = GitAction.allowing(List.of("make"));
    private static final MaintenanceAction MAINTENANCE = new MaintenanceAction(() -> null);

    private static void rejects(StepAction a, String json, String message) {
        JsonNode config = ActionTestSupport.cfg(json);
        assertThatThrownBy(() -> a.validate(config)).isInstanceOf(InvalidRequestException.class).hasMessageContaining(message);
    }

    private static void accepts(StepAction a, String json) {
        assertThatCode(() -> a.validate(ActionTestSupport.cfg(json))).doesNotThrowAnyException();
    }

    @Test
    void http() {
        rejects(HTTP, "{}", "config.url: required");
        rejects(HTTP, "{\"url\": \"ftp://x/y\"}", "config.url: 'ftp://x/y' must be an absolute http:// or https:// URL");
        rejects(HTTP, "{\"url\": \"/relative\"}", "config.url:");
        rejects(HTTP, "{\"url\": \"http://x\", \"method\": \"FETCH\"}", "config.method: 'FETCH' is not one of");
        rejects(HTTP, "{\"url\": \"http://x\", \"expect_status\": 700}", "config.expect_status: must be an HTTP status code");
        rejects(HTTP, "{\"url\": \"http://x\", \"expect_status\": [200, \"abc\"]}", "config.expect_status[1]:");
        rejects(HTTP, "{\"url\": \"http://x\", \"timeout\": \"soon\"}", "config.timeout: 'soon' is not a duration");
        rejects(HTTP, "{\"url\": \"http://x\", \"headers\": [\"a\"]}", "config.headers: must be an object");
        rejects(HTTP, "{\"url\": \"http://x\", \"methd\": \"GET\"}", "config.methd: unknown field");
        accepts(HTTP, "{\"url\": \"{base}/hook\", \"method\": \"POST\", \"body\": {\"a\": 1}, \"expect_status\": [\"2xx\", 404], \"timeout\": \"5s\"}");
    }

    @Test
    void crawl() {
        rejects(CRAWL, "{}", "config.start_urls: required");
        rejects(CRAWL, "{\"start_urls\": []}", "config.start_urls: must list at least one URL");
        rejects(CRAWL, "{\"start_urls\": [\"http://x/\", \"nope\"]}", "config.start_urls[1]:");
        rejects(CRAWL, "{\"start_urls\": [\"http://x/\"], \"max_pages\": 0}", "config.max_pages: must be a positive integer");
        rejects(CRAWL, "{\"start_urls\": [\"http://x/\"], \"max_pages\": \"many\"}", "config.max_pages: must be a positive integer");
        rejects(CRAWL, "{\"start_urls\": [\"http://x/\"], \"max_depth\": -1}", "config.max_depth: must be an integer from 0 to 100");
        rejects(CRAWL, "{\"start_urls\": [\"http://x/\"], \"concurrency\": 0}", "config.concurrency:");
        rejects(CRAWL, "{\"start_urls\": [\"http://x/\"], \"same_host\": \"maybe\"}", "config.same_host: must be true or false");
        rejects(CRAWL, "{\"start_urls\": [\"http://x/\"], \"include_patterns\": [\"(\"]}", "config.include_patterns[0]: not a valid regular expression");
        accepts(CRAWL, "{\"start_urls\": [\"{base}/\"], \"max_pages\": \"{pages}\", \"max_depth\": 3, \"exclude_patterns\": [\"\\\\.pdf$\"]}");
    }

    @Test
    void crawlScopeLimits() {
        ChildPolicy p = CRAWL.scopeLimits(ActionTestSupport.cfg("{\"start_urls\": [\"http://x/\"], \"max_pages\": 7, \"max_depth\": 3}"));
        assertThat(p.maxChildren()).isEqualTo(7);
        assertThat(p.maxDepth()).isEqualTo(4);
        assertThat(p.maxChildFailures()).isNull();
        ChildPolicy d = CRAWL.scopeLimits(ActionTestSupport.cfg("{\"start_urls\": [\"http://x/\"]}"));
        assertThat(d.maxChildren()).isEqualTo(100);
        assertThat(d.maxDepth()).isEqualTo(3);
        assertThat(CRAWL.scopeLimits(ActionTestSupport.cfg("{}"))).isNull();
        assertThat(CRAWL.childHandlers()).extracting(h -> h.type()).containsExactly(CrawlAction.PAGE_TYPE);
    }

    @Test
    void transform() {
        rejects(TRANSFORM, "{}", "config.from: required");
        rejects(TRANSFORM, "{\"from\": 3}", "config.from: must be a non-empty string");
        rejects(TRANSFORM, "{\"from\": \"crawl\", \"selector\": \"main[\"}", "config.selector: not a valid CSS selector");
        accepts(TRANSFORM, "{\"from\": \"crawl\", \"selector\": \"main, article\"}");
        assertThat(TRANSFORM.childHandlers()).extracting(h -> h.type()).containsExactly(TransformAction.DOC_TYPE);
    }

    @Test
    void exec() {
        rejects(EXEC, "{}", "config.command: required");
        rejects(EXEC, "{\"command\": \"git pull\"}", "config.command: must be a list of arguments");
        rejects(EXEC, "{\"command\": []}", "config.command: must name an executable first");
        rejects(EXEC, "{\"command\": [\"curl\", \"x\"]}", "config.command[0]: executable 'curl' is not allowed on this node (allowed: [git])");
        rejects(EXEC, "{\"command\": [\"git\"], \"env\": {\"A\": [1]}}", "config.env.A: must be a string");
        rejects(EXEC, "{\"command\": [\"git\"], \"timeout\": \"0s\"}", "config.timeout: must be longer than 0");
        accepts(EXEC, "{\"command\": [\"git\", \"pull\"], \"cwd\": \"/tmp\", \"env\": {\"A\": \"b\", \"N\": 1}, \"timeout\": \"1m\"}");
    }

    @Test
    void agent() {
        String ok = "\"base_url\": \"http://127.0.0.1:11434/v1\", \"model\": \"llama3.2\"";
        rejects(AGENT, "{\"model\": \"m\", \"prompt\": \"p\"}", "config.base_url: required");
        rejects(AGENT, "{\"base_url\": \"ftp://x\", \"model\": \"m\", \"prompt\": \"p\"}", "config.base_url: 'ftp://x' must be an absolute http:// or https:// URL");
        rejects(AGENT, "{\"base_url\": \"http://x/v1\", \"prompt\": \"p\"}", "config.model: required");
        rejects(AGENT, "{" + ok + "}", "config.prompt: required");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"p\", \"api_key_env\": \"sk-abc\"}", "config.api_key_env: 'sk-abc' is not an environment variable name");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"p\", \"api_key_env\": \"ORDO_ADMIN_TOKEN\"}", "config.api_key_env: 'ORDO_ADMIN_TOKEN' may not be read by this node");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"p\", \"api_key_env\": \"AWS_SECRET_ACCESS_KEY\"}", "may not be read by this node");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"p\", \"api_key_env\": \"ORDO_API_KEY\"}", "may not be read by this node");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"Summarise\", \"from\": \"pages\"}", "config.prompt: refers to no field of the input documents");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"Summarise {input.markdown}\"}", "config.prompt: {input.markdown} needs from");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"p\", \"temperature\": 3}", "config.temperature: must be a number from 0 to 2");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"p\", \"temperature\": \"warm\"}", "config.temperature: must be a number from 0 to 2");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"p\", \"max_tokens\": 0}", "config.max_tokens: must be an integer from 1");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"p\", \"max_retries\": 11}", "config.max_retries: must be an integer from 0 to 10");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"p\", \"timeout\": \"later\"}", "config.timeout:");
        rejects(AGENT, "{" + ok + ", \"prompt\": \"p\", \"api_key\": \"sk-1\"}", "config.api_key: unknown field");
        accepts(AGENT, "{" + ok + ", \"prompt\": \"Summarise {input.markdown}\", \"from\": \"to_markdown\", \"system\": \"Answer in {lang}.\","
                + " \"api_key_env\": \"OPENAI_API_KEY\", \"max_tokens\": 256, \"temperature\": 0.2, \"timeout\": \"2m\", \"max_retries\": 5}");
        accepts(AGENT, "{\"base_url\": \"{llm}\", \"model\": \"{model}\", \"prompt\": \"p\", \"api_key_env\": \"{key_var}\", \"temperature\": \"{t}\"}");
        accepts(AGENT.keyVariables(java.util.regex.Pattern.compile("LLM_KEY")), "{" + ok + ", \"prompt\": \"p\", \"api_key_env\": \"LLM_KEY\"}");
        assertThat(AGENT.childHandlers()).extracting(h -> h.type()).containsExactly(AgentCall.TYPE);
    }

    @Test
    void git() {
        rejects(GIT, "{\"command\": [\"make\"]}", "config.url: required");
        rejects(GIT, "{\"url\": \"-uhttps://x/r.git\", \"command\": [\"make\"]}", "config.url: must not start with '-'");
        rejects(GIT, "{\"url\": \"http://x/r.git\", \"command\": [\"make\"]}", "config.url: 'http://x/r.git' must be an https:// or ssh:// URL");
        rejects(GIT, "{\"url\": \"git@github.com:o/r.git\", \"command\": [\"make\"]}", "config.url:");
        rejects(GIT, "{\"url\": \"ext::sh -c touch% /tmp/x\", \"command\": [\"make\"]}", "config.url:");
        rejects(GIT, "{\"url\": \"file:///srv/r.git\", \"command\": [\"make\"]}", "config.url: file:// URLs are not allowed on this node");
        rejects(GIT, "{\"url\": \"https://x/r.git\", \"ref\": \"--upload-pack=evil\", \"command\": [\"make\"]}", "config.ref: '--upload-pack=evil' is not a branch");
        rejects(GIT, "{\"url\": \"https://x/r.git\", \"ref\": \"a..b\", \"command\": [\"make\"]}", "config.ref:");
        rejects(GIT, "{\"url\": \"https://x/r.git\"}", "config.command: required");
        rejects(GIT, "{\"url\": \"https://x/r.git\", \"command\": [\"rm\", \"-rf\", \"/\"]}", "config.command[0]: executable 'rm' is not allowed on this node (allowed: [make])");
        rejects(GitAction.disabled(), "{\"url\": \"https://x/r.git\", \"command\": [\"make\"]}", "config.command: the git action is disabled on this node");
        rejects(GIT, "{\"url\": \"https://x/r.git\", \"command\": [\"make\"], \"cwd\": \"/\"}", "config.cwd: unknown field");
        accepts(GIT, "{\"url\": \"https://github.com/o/r.git\", \"ref\": \"v1.2.0\", \"command\": [\"make\", \"test\"], \"env\": {\"CI\": \"1\"}, \"timeout\": \"10m\"}");
        accepts(GIT, "{\"url\": \"ssh://git@example.com/o/r.git\", \"ref\": \"release/2.x\", \"command\": [\"make\"]}");
        accepts(GIT, "{\"url\": \"{repo}\", \"ref\": \"{ref}\", \"command\": [\"make\"]}");
        accepts(GIT.allowFileUrls(true), "{\"url\": \"file:///srv/r.git\", \"command\": [\"make\"]}");
    }

    @Test
    void maintenance() {
        rejects(MAINTENANCE, "{\"older_than\": \"old\"}", "config.older_than: 'old' is not a duration");
        rejects(MAINTENANCE, "{\"batch_size\": 0}", "config.batch_size: must be an integer from 1 to 100000");
        accepts(MAINTENANCE, "{}");
        accepts(MAINTENANCE, "{\"older_than\": \"30d\", \"optimize\": false}");
    }
}
