package io.fluxion.orchestrator.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Folders and files the app creates (data dir, DuckDB file, ledger, logs) are readable by their owner
 * only: folders 700, files 600. On a file system without POSIX permissions nothing changes.
 * Existing folders keep the permissions the operator gave them.
 */
public final class OwnerOnly {
    public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnly() {
    }

    /** Like {@link Files#createDirectories}, each folder it creates being 700. */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (!POSIX || Files.isDirectory(abs)) {
            return Files.createDirectories(abs);
        }
        FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(DIR);
        return Files.createDirectories(abs, attr);
    }

    /** The attributes of a file the app creates itself (600), none without POSIX. */
    public static FileAttribute<?>[] fileAttributes() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /**
     * Makes a file that a library has just created for the app (DuckDB, H2) owner-only. The caller calls it
     * only for a file it saw created: a file the operator prepared keeps its permissions. A missing file
     * is left alone.
     */
    public static void restrict(Path file) throws IOException {
        if (POSIX && Files.isRegularFile(file) && !Files.getPosixFilePermissions(file).equals(FILE)) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }
}
