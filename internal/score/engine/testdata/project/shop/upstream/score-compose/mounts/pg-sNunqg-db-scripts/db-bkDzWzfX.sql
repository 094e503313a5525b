SELECT 'CREATE DATABASE "db-bkDzWzfX"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'db-bkDzWzfX')\gexec
SELECT $$CREATE USER "user-BPaPWcSM" WITH PASSWORD 'OCYiCSq7eQ90vna9'$$ WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'user-BPaPWcSM')\gexec
GRANT ALL PRIVILEGES ON DATABASE "db-bkDzWzfX" TO "user-BPaPWcSM";
\connect "db-bkDzWzfX";
GRANT ALL ON SCHEMA public TO "user-BPaPWcSM";