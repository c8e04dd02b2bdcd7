-- An MCP server's URL may carry credentials (userinfo, ?token=...): the full URL is kept sealed
-- (SecretBox ciphertext) when it differs from its redacted form, which alone stays in url.
alter table mcp_servers add column url_sealed text;

-- JDBC URLs no longer accept credentials (userinfo, ?password=...) and one that has them is refused
-- at connect; mask those already stored, which were plain text readable by every key.
update integrations
set url = regexp_replace(regexp_replace(url, '^(jdbc:[a-z0-9:]+//)[^/@?]*@', '\1***@', 'i'),
        '([?&;](password|passwd|pwd|user|username|token|access_token|accesstoken|apikey|api_key|secret|sslpassword)=)[^&;]*', '\1***', 'gi')
where url ~* '^jdbc:[a-z0-9:]+//[^/@?]*@'
   or url ~* '[?&;](password|passwd|pwd|user|username|token|access_token|accesstoken|apikey|api_key|secret|sslpassword)=';
