package provisioner_test

import (
	"context"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// benchPostgresKubernetes resembles a real postgres provisioner for Kubernetes: a Secret, a
// StatefulSet with a volume claim and probes, and a Service.
const benchPostgresKubernetes = `
- uri: template://bench/postgres
  type: postgres
  description: A dedicated PostgreSQL per resource.
  expected_outputs: [host, port, name, database, username, password]
  secret_outputs: [password]
  init: |
    name: {{ dnsLabel "pg" .SourceWorkload .Id }}
    randomPassword: {{ randAlphaNum 24 | quote }}
  state: |
    database: {{ dig "database" (.Id | replace "." "_") .State | quote }}
    username: {{ dig "username" (printf "user_%s" .SourceWorkload) .State | quote }}
    password: {{ dig "password" .Init.randomPassword .State | quote }}
  outputs: |
    host: {{ .Init.name }}
    port: 5432
    name: {{ .State.database }}
    database: {{ .State.database }}
    username: {{ .State.username }}
    password: {{ .State.password | quote }}
  manifests: |
    - apiVersion: v1
      kind: Secret
      metadata:
        name: {{ .Init.name }}
        labels:
          app.kubernetes.io/managed-by: score-tf
          app.kubernetes.io/instance: {{ .Init.name }}
        annotations:
          score.dev/resource-uid: {{ .Uid | quote }}
      type: Opaque
      data:
        password: {{ .State.password | b64enc }}
        username: {{ .State.username | b64enc }}
    - apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: {{ .Init.name }}
        labels:
          app.kubernetes.io/managed-by: score-tf
          app.kubernetes.io/instance: {{ .Init.name }}
        annotations:
          score.dev/resource-uid: {{ .Uid | quote }}
      spec:
        replicas: 1
        serviceName: {{ .Init.name }}
        selector:
          matchLabels:
            app.kubernetes.io/instance: {{ .Init.name }}
        template:
          metadata:
            labels:
              app.kubernetes.io/managed-by: score-tf
              app.kubernetes.io/instance: {{ .Init.name }}
          spec:
            automountServiceAccountToken: false
            securityContext:
              runAsNonRoot: true
              fsGroup: 999
              seccompProfile: {type: RuntimeDefault}
            containers:
              - name: postgres
                image: postgres:17-alpine
                ports:
                  - {name: postgres, containerPort: 5432}
                env:
                  - {name: PGDATA, value: /var/lib/postgresql/data/pgdata}
                  - {name: POSTGRES_DB, value: {{ .State.database | quote }}}
                  - name: POSTGRES_USER
                    valueFrom: {secretKeyRef: {name: {{ .Init.name }}, key: username}}
                  - name: POSTGRES_PASSWORD
                    valueFrom: {secretKeyRef: {name: {{ .Init.name }}, key: password}}
                volumeMounts:
                  - {name: data, mountPath: /var/lib/postgresql/data}
                readinessProbe:
                  exec:
                    command: [pg_isready, -U, {{ .State.username | quote }}, -d, {{ .State.database | quote }}]
                  periodSeconds: 3
                resources:
                  requests: {cpu: 100m, memory: 256Mi}
                  limits: {memory: 512Mi}
                securityContext:
                  runAsUser: 999
                  allowPrivilegeEscalation: false
                  capabilities: {drop: [ALL]}
        volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests: {storage: 1Gi}
    - apiVersion: v1
      kind: Service
      metadata:
        name: {{ .Init.name }}
        labels:
          app.kubernetes.io/managed-by: score-tf
          app.kubernetes.io/instance: {{ .Init.name }}
      spec:
        type: ClusterIP
        selector:
          app.kubernetes.io/instance: {{ .Init.name }}
        ports:
          - {name: postgres, port: 5432, targetPort: 5432}
`

// benchPostgresCompose resembles a real postgres provisioner for compose: a service with a
// healthcheck, a data volume and an init script file.
const benchPostgresCompose = `
- uri: template://bench/postgres
  type: postgres
  description: A dedicated PostgreSQL per resource.
  expected_outputs: [host, port, name, database, username, password]
  secret_outputs: [password]
  init: |
    name: {{ dnsLabel "pg" .SourceWorkload .Id }}
    randomPassword: {{ randAlphaNum 24 | quote }}
  state: |
    database: {{ dig "database" (.Id | replace "." "_") .State | quote }}
    username: {{ dig "username" (printf "user_%s" .SourceWorkload) .State | quote }}
    password: {{ dig "password" .Init.randomPassword .State | quote }}
  outputs: |
    host: {{ .Init.name }}
    port: 5432
    name: {{ .State.database }}
    database: {{ .State.database }}
    username: {{ .State.username }}
    password: {{ .State.password | quote }}
  files: |
    {{ .Init.name }}/init.sql: |
      CREATE DATABASE "{{ .State.database }}";
      CREATE USER "{{ .State.username }}" WITH PASSWORD '{{ .State.password }}';
      GRANT ALL PRIVILEGES ON DATABASE "{{ .State.database }}" TO "{{ .State.username }}";
  volumes: |
    {{ .Init.name }}-data:
      driver: local
      labels:
        dev.score.compose.res.uid: {{ .Uid | quote }}
  services: |
    {{ .Init.name }}:
      image: postgres:17-alpine
      restart: always
      labels:
        dev.score.compose.res.uid: {{ .Uid | quote }}
      environment:
        POSTGRES_USER: {{ .State.username | quote }}
        POSTGRES_PASSWORD: {{ .State.password | quote }}
        POSTGRES_DB: {{ .State.database | quote }}
      volumes:
        - type: volume
          source: {{ .Init.name }}-data
          target: /var/lib/postgresql/data
        - type: bind
          source: {{ .MountsDirectory }}/{{ .Init.name }}/init.sql
          target: /docker-entrypoint-initdb.d/init.sql
          read_only: true
      healthcheck:
        test: ["CMD", "pg_isready", "-U", {{ .State.username | quote }}]
        interval: 2s
        timeout: 2s
        retries: 15
`

func benchProvision(b *testing.B, target targets.Target, text string) {
	defs, err := provisioner.ParseFile([]byte(text), target, "bench")
	if err != nil {
		b.Fatal(err)
	}
	def := defs[0]
	opts := provisioner.Options{Target: target}
	// Check once that it works and renders what a real provisioner would.
	check := func(seed uint64) *render.Resource {
		req := engRequest("postgres", seed)
		res, err := provisioner.Provision(context.Background(), def, req, opts)
		if err != nil {
			b.Fatal(err)
		}
		out, err := render.RenderResource(req.UID, res, target, req.Namespace)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	out := check(1)
	if len(out.Outputs) != 5 || len(out.Secrets) != 1 {
		b.Fatalf("outputs %v secrets %v", out.Outputs, out.Secrets)
	}
	if target == targets.Kubernetes && (len(out.Manifests) != 2 || len(out.SecretManifests) != 1) {
		b.Fatalf("manifests %v / %v", out.Manifests, out.SecretManifests)
	}
	if target == targets.Compose && (out.ComposeYAML == "" || out.ComposeEnv == "" || len(out.SecretFiles) != 1) {
		b.Fatalf("compose %+v", out)
	}

	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		req := engRequest("postgres", uint64(i))
		res, err := provisioner.Provision(context.Background(), def, req, opts)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := render.RenderResource(req.UID, res, target, req.Namespace); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProvisionPostgresKubernetes(b *testing.B) {
	benchProvision(b, targets.Kubernetes, benchPostgresKubernetes)
}

func BenchmarkProvisionPostgresCompose(b *testing.B) {
	benchProvision(b, targets.Compose, benchPostgresCompose)
}
