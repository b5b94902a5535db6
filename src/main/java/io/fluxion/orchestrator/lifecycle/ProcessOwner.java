package io.fluxion.orchestrator.lifecycle;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * This process as the owner of the runs it opens in the ledger: {@code host/pid/boot id} (the boot id is random
 * per start, so a reused pid in a new container is another owner) and the data dir it works on. The start-up
 * check closes an open run only when its owner is gone; see {@code sql/ledger-schema.sql}.
 */
public record ProcessOwner(String id, String dataDir) {

    /** This process, working on {@code dataDir} (whose lock it holds). */
    public static ProcessOwner of(Path dataDir) {
        byte[] boot = new byte[4];
        new SecureRandom().nextBytes(boot);
        String id = host() + "/" + ProcessHandle.current().pid() + "/" + HexFormat.of().formatHex(boot);
        return new ProcessOwner(id, canonical(dataDir));
    }

    /** The data dir as the ledger records it: absolute, normalised, symbolic links resolved when it exists. */
    public static String canonical(Path dataDir) {
        Path p = dataDir.toAbsolutePath().normalize();
        try {
            p = p.toRealPath();
        } catch (java.io.IOException e) {
            // not created yet: the normalised path
        }
        return p.toString();
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                h = "unknown-host";
            }
        }
        return h.length() > 100 ? h.substring(0, 100) : h;
    }
}
