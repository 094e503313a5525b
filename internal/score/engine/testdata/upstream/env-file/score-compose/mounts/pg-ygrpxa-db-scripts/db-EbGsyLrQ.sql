SELECT 'CREATE DATABASE "db-EbGsyLrQ"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'db-EbGsyLrQ')\gexec
SELECT $$CREATE USER "user-RIhVpxuu" WITH PASSWORD 'lU7etkjY0Go6DXMw'$$ WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'user-RIhVpxuu')\gexec
GRANT ALL PRIVILEGES ON DATABASE "db-EbGsyLrQ" TO "user-RIhVpxuu";
\connect "db-EbGsyLrQ";
GRANT ALL ON SCHEMA public TO "user-RIhVpxuu";