package dev.griddle.server.tool.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SqlGuard}'s decisions, no database. */
class IntegrationSqlGuardTest {

    private static final List<String> ALLOWED = List.of("customers", "sales.orders");

    private static String refusal(String sql) {
        SqlGuard.Refused e = catchThrowableOfType(SqlGuard.Refused.class, () -> SqlGuard.check(sql, ALLOWED));
        assertThat(e).as(sql).isNotNull();
        return e.getMessage();
    }

    @Test
    void selectsOverAllowedTablesPass() {
        for (String sql : List.of("select * from customers", "select * from public.customers", "SELECT c.id FROM \"customers\" c",
                "select o.id from sales.orders o join customers c on c.id = o.customer_id",
                "select * from customers where id in (select customer_id from sales.orders)")) {
            assertThatCode(() -> SqlGuard.check(sql, ALLOWED)).as(sql).doesNotThrowAnyException();
        }
    }

    @Test
    void everyTableReadCountsWhereverItHides() {
        assertThat(refusal("select * from payroll")).contains("payroll");
        assertThat(refusal("select * from customers where id in (select id from payroll)")).contains("payroll");
        assertThat(refusal("with x as (select * from payroll) select * from x")).contains("payroll");
        assertThat(refusal("select * from orders")).contains("orders");
        assertThat(refusal("select * from other.customers")).contains("other.customers");
    }

    @Test
    void onlyOneSelectStatement() {
        assertThat(refusal("delete from customers")).contains("only SELECT");
        assertThat(refusal("update customers set name = 'x'")).contains("only SELECT");
        assertThat(refusal("select 1; drop table customers")).contains("exactly one statement");
        assertThat(refusal("selec nonsense")).contains("cannot parse");
        assertThatCode(() -> SqlGuard.check("select * from anything", null)).doesNotThrowAnyException();
    }
}
