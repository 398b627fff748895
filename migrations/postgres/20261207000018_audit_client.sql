-- The client's address of the request that made an audit entry (behind a trusted proxy, the
-- address the proxy reported); empty for the command line and background jobs.
ALTER TABLE audit_log ADD COLUMN client_address TEXT;
