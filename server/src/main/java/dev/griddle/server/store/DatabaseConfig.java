package dev.griddle.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.griddle.server.GriddleProperties;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one DataSource: the PostgreSQL named by {@code GRIDDLE_DATABASE_URL}, or, without it, an
 * embedded PostgreSQL started here and stopped when the DataSource closes.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfig {

    @Bean(destroyMethod = "close")
    DataSource dataSource(GriddleProperties props) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("griddle");
        config.setMaximumPoolSize(props.databasePoolSize());
        config.setMinimumIdle(2);
        // batched inserts (step rows, events, items) go as multi-row inserts: one statement, not one per row
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        EmbeddedPostgresServer embedded = null;
        if (props.embeddedDatabase()) {
            embedded = EmbeddedPostgresServer.start(props.dataDir());
            config.setJdbcUrl(embedded.jdbcUrl());
            config.setUsername(embedded.user());
            config.setPassword(embedded.password());
        } else {
            config.setJdbcUrl(props.databaseUrl());
            if (props.databaseUsername() != null) {
                config.setUsername(props.databaseUsername());
            }
            if (props.databasePassword() != null) {
                config.setPassword(props.databasePassword());
            }
        }
        return new ClosingDataSource(config, embedded);
    }

    /** Closes the pool first, then the embedded server under it. */
    static final class ClosingDataSource extends HikariDataSource {
        private final EmbeddedPostgresServer embedded;

        ClosingDataSource(HikariConfig config, EmbeddedPostgresServer embedded) {
            super(config);
            this.embedded = embedded;
        }

        @Override
        public void close() {
            super.close();
            if (embedded != null) {
                try {
                    embedded.close();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }
}
