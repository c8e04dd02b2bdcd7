package dev.griddle.server.knowledge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A document's original bytes as a PostgreSQL large object, kept for reindexing: streamed in and
 * out in blocks, so a 50 MB upload is never one value in memory. Large objects are transactional,
 * so both calls must run inside the caller's transaction (on its connection); a document row's
 * delete unlinks its object (trigger in V23).
 */
@Component
class OriginalFiles {

    private final DataSource dataSource;

    OriginalFiles(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores the stream's bytes as a new large object; returns its oid. */
    long write(InputStream in) {
        LargeObjectManager objects = objects();
        try {
            long oid = objects.createLO(LargeObjectManager.READWRITE);
            LargeObject object = objects.open(oid, LargeObjectManager.WRITE);
            try (OutputStream out = object.getOutputStream()) {
                in.transferTo(out);
            }
            return oid;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the document's file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the document's file: " + e.getMessage(), e);
        }
    }

    /** Copies the large object to {@code target}. */
    void copyTo(long oid, Path target) {
        LargeObjectManager objects = objects();
        try {
            LargeObject object = objects.open(oid, LargeObjectManager.READ);
            try (InputStream in = object.getInputStream()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            object.close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the document's file (large object " + oid + "): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the document's file: " + e.getMessage(), e);
        }
    }

    private LargeObjectManager objects() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("large objects need a transaction");
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            return connection.unwrap(PGConnection.class).getLargeObjectAPI();
        } catch (SQLException e) {
            throw new IllegalStateException("the database connection is not PostgreSQL's: " + e.getMessage(), e);
        }
    }
}
