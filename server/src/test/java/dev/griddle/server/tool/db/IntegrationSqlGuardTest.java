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

    /** A function can read what the table check never sees: every call must be on the allow-list, wherever it is nested. */
    @Test
    void functionsOffTheAllowListAreRefusedWhereverTheyHide() {
        for (String sql : List.of(
                "select query_to_xml('select v from secrets', true, false, '')::text",
                "select table_to_xml('salaries', true, false, '')",
                "select cursor_to_xml('c', 10, true, false, '')",
                "select pg_read_file('../master.key')",
                "select * from pg_ls_dir('.')",
                "select * from dblink('dbname=postgres', 'select v from secrets') as t(v text)",
                "select pg_sleep(60)",
                "select pg_catalog.pg_sleep(60)",
                "select \"pg_sleep\"(60)",
                "select pg_advisory_lock(1)",
                "select pg_terminate_backend(1)",
                "select load_file('/etc/passwd')",
                "select file_read('/etc/passwd')",
                "select * from customers where id = (select length(query_to_xml('select 1', true, false, '')::text))",
                "select * from customers where name in (select pg_read_file('x') from customers)",
                "with x as (select table_to_xml('payroll', true, false, '') as v) select * from customers",
                "select c.id from customers c join sales.orders o on o.id = pg_backend_pid()",
                "select count(*) from customers group by id having max(id) > pg_backend_pid()",
                "select id from customers order by pg_sleep(1)",
                "select count(*) filter (where pg_sleep(1) is null) from customers",
                "select row_number() over (partition by pg_sleep(1)) from customers",
                "select string_agg(name, ',' order by pg_sleep(1)) from customers",
                "select coalesce(name, query_to_xml('select 1', true, false, '')::text) from customers",
                "select lower(upper(pg_read_file('x'))) from customers",
                "select public.my_function(1)",
                "select pg_catalog.query_to_xml('select 1', true, false, '')")) {
            assertThat(refusal(sql)).as(sql).contains("is not allowed");
        }
        assertThat(refusal("select query_to_xml('select v from secrets', true, false, '')::text")).contains("'query_to_xml'");
        SqlGuard.Refused unlisted = catchThrowableOfType(SqlGuard.Refused.class, () -> SqlGuard.check("select pg_read_file('x')", null));
        assertThat(unlisted).as("no allowed_tables does not mean any function").isNotNull();
    }

    @Test
    void aggregatesWindowsAndPlainBuiltInsPass() {
        for (String sql : List.of(
                "select count(*), sum(id), avg(id), min(name), max(name) from customers",
                "select lower(name), upper(name), coalesce(plan, 'none'), length(name), substring(name, 1, 2) from customers",
                "select round(avg(id), 2), date_trunc('day', now()), cast(id as text), id::text from customers group by id",
                "select name, row_number() over (partition by plan order by id), rank() over (order by id) from customers",
                "select count(*) filter (where plan = 'pro') from customers",
                "select extract(year from current_timestamp), current_date from customers",
                "select string_agg(name, ',' order by name) from customers where id in (select max(id) from sales.orders)",
                "with top as (select id, count(*) as n from customers group by id) select * from top",
                "select PG_CATALOG.COUNT(*) from customers")) {
            assertThatCode(() -> SqlGuard.check(sql, ALLOWED)).as(sql).doesNotThrowAnyException();
        }
    }
}
