package io.ordo.examples.plugin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Counts the words of a text, leaving common words out of the most frequent ones. The stop-word list
 * stands in for an expensive resource (a model, a dictionary): it is read from the plugin jar once,
 * by the first handler or action that needs it, and then shared by every job on the node.
 */
public final class WordCounter {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}']+");

    private final Set<String> stopWords;

    private WordCounter(Set<String> stopWords) {
        this.stopWords = stopWords;
    }

    /** The one instance of this node, created when first asked for (class loading makes it once only). */
    public static WordCounter shared() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final WordCounter INSTANCE = new WordCounter(load("stop-words.txt"));
    }

    private static Set<String> load(String resource) {
        // the plugin's own class loader finds resources in the plugin jar
        try (InputStream in = WordCounter.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " is missing from the plugin jar");
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A word and how often it occurs (a record: Jackson writes its fields in this order). */
    public record Frequent(String word, int count) {
    }

    /** {@code {words, distinct, top: [{word, count}, ...]}}: the {@code top} most frequent words that are not stop words. */
    public Map<String, Object> count(String text, int top) {
        Map<String, Integer> counts = new HashMap<>();
        int words = 0;
        var m = WORD.matcher(text);
        while (m.find()) {
            words++;
            counts.merge(m.group().toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        List<Frequent> frequent = counts.entrySet().stream()
                .filter(e -> !stopWords.contains(e.getKey()))
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .map(e -> new Frequent(e.getKey(), e.getValue()))
                .toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("words", words);
        out.put("distinct", counts.size());
        out.put("top", frequent);
        return out;
    }
}
