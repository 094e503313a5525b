# Adopt a resource from a score-compose or score-k8s state file, keeping its generated values
# (passwords...): the import id is <path to state.yaml>#<resource uid>.
terraform import score_resource.db '.score-compose/state.yaml#postgres.default#web.db'
