package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ordo.core.util.Json;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A local chat-completion endpoint for the agent tests, on 127.0.0.1 and a free port: answers
 * {@code POST /v1/chat/completions} with the scripted replies in order, then with the default
 * (an answer echoing the user message), and records every request.
 */
final class ChatStub implements AutoCloseable {
    /** A recorded request: when it arrived, its Authorization header and its JSON body. */
    record Seen(long nanos, String authorization, JsonNode body) {
        String userMessage() {
            for (JsonNode m : body.path("messages")) if (m.path("role").asText().equals("user")) return m.path("content").asText();
            return null;
        }

        String systemMessage() {
            for (JsonNode m : body.path("messages")) if (m.path("role").asText().equals("system")) return m.path("content").asText();
            return null;
        }
    }

    /** A scripted reply. */
    record Reply(int status, Map<String, String> headers, String body, long delayMs) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Function<Seen, String> answer = s -> "summary of: " + s.userMessage();

    ChatStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    /** http://127.0.0.1:PORT/v1 */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    ChatStub then(int status, Map<String, String> headers, String body) {
        script.add(new Reply(status, headers, body, 0));
        return this;
    }

    ChatStub thenSlow(long delayMs) {
        script.add(new Reply(200, Map.of(), null, delayMs));
        return this;
    }

    ChatStub answering(Function<Seen, String> f) {
        this.answer = f;
        return this;
    }

    static String completion(String model, String text, int prompt, int completion) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("id", "chatcmpl-1").put("object", "chat.completion").put("model", model);
        ObjectNode choice = r.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", text);
        r.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        return r.toString();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = Json.MAPPER.readTree(ex.getRequestBody().readAllBytes());
            Seen s = new Seen(System.nanoTime(), ex.getRequestHeaders().getFirst("Authorization"), body);
            seen.add(s);
            Reply r = script.poll();
            if (r != null && r.delayMs() > 0) {
                try {
                    Thread.sleep(r.delayMs()); // a slow model: the client's timeout is what is tested
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status = r == null ? 200 : r.status();
            String text = r == null || r.body() == null
                    ? completion(body.path("model").asText(), answer.apply(s), 11, 7) : r.body();
            if (r != null) r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (IOException e) {
            // the client gave up (timeout test)
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
