package io.fluxion.orchestrator.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bearer-token check for every request that changes something. The token comes from
 * {@code fluxion.api.token} (environment {@code FLUXION_API_TOKEN}); it is never logged nor echoed.
 * The comparison is constant-time over SHA-256 digests, so neither content nor length leaks.
 */
public class ApiAuth {
    static final String NOT_CONFIGURED = "control API disabled: no token configured. Set the environment variable"
            + " FLUXION_API_TOKEN (or the property fluxion.api.token) and restart the service";

    private final byte[] tokenDigest;

    public ApiAuth(String token) {
        this.tokenDigest = token == null || token.isBlank() ? null : sha256(token.trim());
    }

    public boolean configured() {
        return tokenDigest != null;
    }

    /** Throws 503 when no token is configured, 401 when the header is missing or wrong. */
    public void check(String authorizationHeader) {
        if (tokenDigest == null) {
            throw new ApiException(503, NOT_CONFIGURED, "Authorization");
        }
        String h = authorizationHeader == null ? "" : authorizationHeader.trim();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "missing bearer token: send 'Authorization: Bearer <token>'", "Authorization");
        }
        byte[] given = sha256(h.substring(7).trim());
        if (!MessageDigest.isEqual(given, tokenDigest)) {
            throw new ApiException(401, "wrong bearer token", "Authorization");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
