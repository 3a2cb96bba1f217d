package io.ordo.core.store;

import java.util.Map;

/**
 * Creates a store from a URL ({@code memory:}, {@code jdbc:sqlite:...}, {@code jdbc:postgresql://...}).
 * Found with {@link java.util.ServiceLoader}, so the engine never imports a driver.
 */
public interface JobStoreProvider {
    boolean supports(String url);

    JobStore open(String url, Map<String, String> properties);

    static JobStore openUrl(String url, Map<String, String> properties) {
        for (JobStoreProvider p : java.util.ServiceLoader.load(JobStoreProvider.class)) {
            if (p.supports(url)) return p.open(url, properties);
        }
        throw new io.ordo.core.InvalidRequestException("no job store for URL '" + url
                + "' (supported: memory:, jdbc:sqlite:FILE, jdbc:postgresql://HOST/DB; is ordo-store-jdbc on the classpath?)");
    }
}
