package io.ordo.server.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error the HTTP layer itself detects (bad body, unknown field, oversized request), carrying
 * the status, the stable code and machine-readable details of the error shape.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, Object> details;

    public ApiError(int status, String code, String message, Map<String, ?> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details == null ? Map.of() : new LinkedHashMap<>(details);
    }

    /** 400 about one field of the request; {@code field} is its path, e.g. {@code jobs[2].delay}. */
    public static ApiError badField(String field, String message) {
        return new ApiError(400, "invalid_request", message, Map.of("field", field));
    }

    /** 400 for a field of the wrong JSON type. */
    public static ApiError wrongType(String field, String expected, String got) {
        return new ApiError(400, "invalid_request", "field '" + field + "' must be " + expected + " (got " + got + ")",
                Map.of("field", field, "expected", expected));
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, "invalid_request", message, Map.of());
    }

    public static ApiError tooLarge(long maxBytes) {
        return new ApiError(413, "too_large", "request body is larger than " + maxBytes + " bytes", Map.of("max_bytes", maxBytes));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }
}
