package dev.griddle.server.knowledge;

import dev.griddle.server.web.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Refuses a ZIP container (DOCX, PPTX, XLSX, ODF, a plain ZIP) whose entries declare that they
 * expand to more than {@code max-compression-ratio} times the file (and past a megabyte), or that
 * has more than {@value #MAX_ENTRIES} entries, before anything is stored. Declared sizes can lie;
 * Tika's secure handler checks the real output again during ingest.
 */
final class ZipGuard {

    static final int MAX_ENTRIES = 10_000;
    private static final long FLOOR = 1024 * 1024;

    private ZipGuard() {
    }

    static void check(Path file, int maxRatio) {
        try {
            if (!isZip(file)) {
                return;
            }
            long size = Files.size(file);
            long expanded = 0;
            int entries = 0;
            try (ZipFile zip = new ZipFile(file.toFile())) {
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                    ZipEntry entry = e.nextElement();
                    entries++;
                    expanded += Math.max(0, entry.getSize());
                    if (entries > MAX_ENTRIES) {
                        throw refused("it has more than " + MAX_ENTRIES + " entries", size, expanded);
                    }
                }
            }
            if (expanded > FLOOR && expanded > size * maxRatio) {
                throw refused("its entries expand to " + expanded + " bytes from " + size + ", more than " + maxRatio
                        + " times (griddle.knowledge.max-compression-ratio)", size, expanded);
            }
        } catch (IOException e) {
            // not a readable ZIP after all: Tika reports what it is during ingest
        }
    }

    private static boolean isZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        }
    }

    private static ApiException refused(String why, long size, long expanded) {
        return ApiException.validation("ZIP_BOMB", "The file is refused as a zip bomb: " + why, Map.of("bytes", size, "expanded_bytes", expanded));
    }
}
