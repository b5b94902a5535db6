package io.fluxion.orchestrator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import io.fluxion.orchestrator.config.OwnerOnly;

/**
 * One writer across processes: the service and every {@code run-window} take an OS file lock on
 * {@code <data-dir>/fluxion.lock} for their whole life. A second process on the same data dir is
 * refused with the holder's description (written in the file), before it touches the backend or DuckDB.
 * The OS releases the lock when a process dies, even by {@code kill -9}.
 */
public final class ProcessLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private ProcessLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or throws {@link HeldException} naming the process that holds it. */
    public static ProcessLock acquire(Path dataDir, String description) {
        Path file = dataDir.resolve("fluxion.lock");
        try {
            OwnerOnly.createDirectories(dataDir); // the data dir the app creates is its owner's only (700)
            FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), OwnerOnly.fileAttributes());
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                l = null; // held by another part of this same JVM
            }
            if (l == null) {
                String holder = read(ch);
                ch.close();
                throw new HeldException("another Fluxion process is working on data dir " + dataDir + ": "
                        + (holder.isBlank() ? "(no description)" : holder) + "; stop it or use another fluxion.data-dir");
            }
            String me = description + ", pid " + ProcessHandle.current().pid() + ", since " + Instant.now();
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new ProcessLock(ch, l);
        } catch (IOException e) {
            throw new HeldException("cannot lock data dir " + dataDir + " (" + file + "): " + e.getMessage());
        }
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        ch.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS releases it with the process anyway
        }
    }

    /** The data dir is held by another process. */
    public static class HeldException extends RuntimeException {
        public HeldException(String message) {
            super(message);
        }
    }
}
