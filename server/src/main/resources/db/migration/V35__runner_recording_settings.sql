-- Issue #18: a runner's recording settings, part of its draft (and, through the spec, of each version):
-- recording 'off' records none of its runs' calls (null: on); redact lists JSONPaths whose values its
-- recordings keep as "[redacted]".
alter table runners add column recording text;
alter table runners add column redact jsonb;
