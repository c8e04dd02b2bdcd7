package dev.griddle.server.tool.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The JDBC URL parser on its own (no connection is made): hostile URLs that would make a driver
 * connect somewhere other than the host the outbound guard checked are refused, naming what was
 * refused, and accepted URLs are rebuilt from their parsed parts only.
 */
class JdbcUrlsTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            postgresql | jdbc:postgresql://93.184.215.14:5432/postgres?host=127.0.0.1&port=55432 | option 'host'
            postgresql | jdbc:postgresql://db.example.com/postgres?sslmode=require&PGHOST=127.0.0.1 | option 'PGHOST'
            postgresql | jdbc:postgresql://db.example.com/postgres?PGPORT=1 | option 'PGPORT'
            postgresql | jdbc:postgresql://db.example.com/postgres?service=internal | option 'service'
            postgresql | jdbc:postgresql://db.example.com/x?socketFactory=org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg | option 'socketFactory'
            postgresql | jdbc:postgresql://db.example.com/x?socketFactoryArg=/var/run/postgresql/.s.PGSQL.5432 | option 'socketFactoryArg'
            postgresql | jdbc:postgresql://db.example.com/x?sslfactory=org.postgresql.ssl.NonValidatingFactory | option 'sslfactory'
            postgresql | jdbc:postgresql://db.example.com/x?sslhostnameverifier=x | option 'sslhostnameverifier'
            postgresql | jdbc:postgresql://db.example.com/x?authenticationPluginClassName=x | option 'authenticationPluginClassName'
            postgresql | jdbc:postgresql://db.example.com/x?options=-c%20search_path=x | percent-encoded
            postgresql | jdbc:postgresql://db.example.com/x?options=x | option 'options'
            postgresql | jdbc:postgresql://db.example.com/x?user=u&password=s3cret | credentials (option 'user')
            postgresql | jdbc:postgresql://db.example.com/x?password=s3cret | credentials (option 'password')
            postgresql | jdbc:postgresql://u:s3cret@db.example.com/x | credentials ('user:password@')
            postgresql | jdbc:postgresql://db1.example.com,127.0.0.1:5432/x | several hosts
            postgresql | jdbc:postgresql://db.example.com:5432,127.0.0.1/x | several hosts
            postgresql | jdbc:postgresql://db.example.com/ | must name a database
            postgresql | jdbc:postgresql://db.example.com | must name a database
            postgresql | jdbc:postgresql:///x | must name a host
            postgresql | jdbc:postgresql://%31%32%37.0.0.1/x | percent-encoded
            postgresql | jdbc:postgresql://db.example.com/x%3Fhost=127.0.0.1 | percent-encoded
            postgresql | jdbc:postgresql://db.example.com/x?sslmode=require&sslmode=disable | given twice
            postgresql | jdbc:postgresql://db.example.com/x?sslmode=require;host=127.0.0.1 | option 'sslmode' must match
            postgresql | jdbc:postgresql://db.example.com/x?currentSchema=a+b | option 'currentSchema' must match
            postgresql | jdbc:postgresql://db.example.com:0/x | malformed port
            postgresql | jdbc:postgresql://db.example.com:65536/x | malformed port
            postgresql | jdbc:postgresql://db.example.com:54x/x | malformed port
            postgresql | jdbc:postgresql://[::1/x | malformed IPv6
            postgresql | jdbc:postgresql://[fe80::1%25eth0]:5432/x | percent-encoded
            postgresql | jdbc:postgresql://[::1]x/x | malformed host
            postgresql | jdbc:postgresql://::1:5432/x | malformed host
            postgresql | jdbc:postgresql://db_example.com/x | malformed host
            postgresql | jdbc:postgresql://db.example.com/x/y | database name
            postgresql | jdbc:postgresql://db.example.com/x?&host=127.0.0.1 | option ''
            postgresql | jdbc:postgresql:x | must start with jdbc:postgresql://
            postgresql | jdbc:mariadb://db.example.com/x | must start with jdbc:postgresql://
            mysql      | jdbc:mysql://db.example.com/x?localSocket=/var/run/mysqld/mysqld.sock | option 'localSocket'
            mysql      | jdbc:mariadb://db.example.com/x?pipe=mysql | option 'pipe'
            mysql      | jdbc:mariadb://address=(host=127.0.0.1)(port=3306)/x | address=(...)
            mysql      | jdbc:mariadb://db.example.com,address=(host=127.0.0.1)/x | address=(...)
            mysql      | jdbc:mariadb:replication://db1.example.com,db2.example.com/x | must start with
            mysql      | jdbc:mariadb:loadbalance://db.example.com/x | must start with
            mysql      | jdbc:mysql://db1.example.com,db2.example.com/x | several hosts
            mysql      | jdbc:mysql://db.example.com/x?allowLoadLocalInfile=true | option 'allowLoadLocalInfile'
            mysql      | jdbc:mysql://db.example.com/x?socketFactory=x | option 'socketFactory'
            mysql      | jdbc:mysql://db.example.com/x?password=s3cret | credentials (option 'password')
            mysql      | jdbc:mysql://root:s3cret@db.example.com/x | credentials
            mysql      | jdbc:mysql://db.example.com/ | must name a database
            h2         | jdbc:h2:tcp://db.example.com/mem:x?host=127.0.0.1 | option 'host'
            h2         | jdbc:h2:tcp://db.example.com/mem:x;INIT=RUNSCRIPT FROM 'x' | INIT
            h2         | jdbc:h2:tcp://db.example.com/mem:x;TRACE_LEVEL_FILE=3 | settings
            h2         | jdbc:h2:tcp://h1.example.com:1,h2.example.com:1/mem:x | no single host
            h2         | jdbc:h2:mem:x | remote H2 server
            h2         | jdbc:h2:tcp://db.example.com/ | must name a database
            """)
    void hostileUrlsAreRefusedNamingWhatWasRefused(String kind, String url, String expected) {
        assertThatThrownBy(() -> JdbcUrls.parse(kind, url)).isInstanceOf(JdbcUrls.Invalid.class).hasMessageContaining(expected);
        assertThat(JdbcUrls.problem(kind, url)).contains(expected).doesNotContain("s3cret");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            postgresql | jdbc:postgresql://db.example.com/shop                                   | jdbc:postgresql://db.example.com:5432/shop
            postgresql | jdbc:postgresql://DB.Example.com:6543/shop?sslmode=verify-full&currentSchema=sales | jdbc:postgresql://db.example.com:6543/shop?sslmode=verify-full&currentSchema=sales
            postgresql | jdbc:postgresql://[2001:db8::5]:5432/shop                              | jdbc:postgresql://[2001:db8::5]:5432/shop
            postgresql | jdbc:postgresql://10.0.0.5/shop?connectTimeout=5                         | jdbc:postgresql://10.0.0.5:5432/shop?connectTimeout=5
            mysql      | jdbc:mysql://db.example.com/shop?sslMode=verify-full                    | jdbc:mariadb://db.example.com:3306/shop?sslMode=verify-full
            mysql      | jdbc:mariadb://127.0.0.1:3307/shop                                     | jdbc:mariadb://127.0.0.1:3307/shop
            h2         | jdbc:h2:tcp://127.0.0.1:9123/mem:crm_1                                 | jdbc:h2:tcp://127.0.0.1:9123/mem:crm_1
            h2         | jdbc:h2:ssl://db.example.com/~/crm                                     | jdbc:h2:ssl://db.example.com:9092/~/crm
            """)
    void acceptedUrlsAreRebuiltFromTheirParts(String kind, String url, String driverUrl) {
        assertThat(JdbcUrls.parse(kind, url).driverUrl()).isEqualTo(driverUrl);
    }

    @Test
    void theGuardIsGivenTheHostAndPortTheDriverConnectsTo() {
        JdbcUrls.Target t = JdbcUrls.parse("postgresql", "jdbc:postgresql://[::1]:6000/x?sslmode=disable");
        assertThat(t.address().getHost()).isEqualTo("[::1]");
        assertThat(t.address().getPort()).isEqualTo(6000);
        assertThat(t.options()).isEqualTo(Map.of("sslmode", "disable"));
    }

    @Test
    void aDestinationIsTheKindHostPortAndDatabase() {
        JdbcUrls.Target shop = JdbcUrls.parse("postgresql", "jdbc:postgresql://db.example.com/shop");
        assertThat(JdbcUrls.parse("postgresql", "jdbc:postgresql://DB.example.com:5432/shop?sslmode=require").sameDestination(shop)).isTrue();
        assertThat(JdbcUrls.parse("postgresql", "jdbc:postgresql://db.example.com:5433/shop").sameDestination(shop)).isFalse();
        assertThat(JdbcUrls.parse("postgresql", "jdbc:postgresql://other.example.com/shop").sameDestination(shop)).isFalse();
        assertThat(JdbcUrls.parse("postgresql", "jdbc:postgresql://db.example.com/other").sameDestination(shop)).isFalse();
        assertThat(JdbcUrls.parse("mysql", "jdbc:mysql://db.example.com:5432/shop").sameDestination(shop)).isFalse();
    }
}
