-- Database integrations may also be remote H2 servers (jdbc:h2:tcp:// or jdbc:h2:ssl:// only; checked by the application).
alter table integrations drop constraint integrations_kind_check;
alter table integrations add constraint integrations_kind_check check (kind in ('postgresql', 'mysql', 'h2'));
