package io.fluxion.orchestrator.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

/**
 * This process as the owner of the runs it opens in the ledger: {@code host/pid/boot id} (the boot id is random
 * per start, so a reused pid in a new container is another owner) and the data dir it works on, as
 * {@code <absolute path>#<data dir id>}: the id is a random one written once in {@code <data-dir>/data-dir.id}, so
 * two volumes mounted at the same path on two hosts are two data dirs, and one volume shared by two hosts is one.
 * The start-up check closes an open run only when its owner is gone; see {@code db/ledger/V1__ledger_schema.sql}.
 */
public record ProcessOwner(String id, String dataDir) {
    static final String ID_FILE = "data-dir.id";

    /** This process, working on {@code dataDir} (whose lock it holds: the id file is created under it). */
    public static ProcessOwner of(Path dataDir) {
        byte[] boot = new byte[4];
        new SecureRandom().nextBytes(boot);
        String id = host() + "/" + ProcessHandle.current().pid() + "/" + HexFormat.of().formatHex(boot);
        return new ProcessOwner(id, canonical(dataDir) + "#" + dataDirId(dataDir));
    }

    /** The data dir's own id, created on first use. */
    static String dataDirId(Path dataDir) {
        Path f = dataDir.resolve(ID_FILE);
        try {
            if (!Files.exists(f)) {
                Files.createDirectories(dataDir);
                try {
                    Files.writeString(f, UUID.randomUUID() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
                } catch (FileAlreadyExistsException e) {
                    // written meanwhile: read it
                }
            }
            String s = Files.readString(f, StandardCharsets.UTF_8).strip();
            return s.length() > 64 ? s.substring(0, 64) : s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + f + ": " + e.getMessage(), e);
        }
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
