# Identities: no service-account keys, no basic roles, no project-wide impersonation, and the
# GitHub identity provider accepts one repository only.
package main

import rego.v1

basic_roles := {"roles/owner", "roles/editor", "roles/viewer"}

# Roles that, held on the project, let a principal act as every service account in it.
impersonation_roles := {
	"roles/iam.serviceAccountUser",
	"roles/iam.serviceAccountTokenCreator",
	"roles/iam.workloadIdentityUser",
	"roles/iam.serviceAccountKeyAdmin",
}

deny contains msg if {
	some r in resources
	r.type == "google_service_account_key"
	msg := sprintf("%s: service account keys are not allowed (Workload Identity / Federation instead)", [label(r)])
}

deny contains msg if {
	some g in iam_grants
	g.role in basic_roles
	msg := sprintf("%s: %s.%s grants the basic role %s", [g.path, g.type, g.name, g.role])
}

deny contains msg if {
	some r in resources
	r.type in {"google_project_iam_policy", "google_storage_bucket_iam_policy", "google_service_account_iam_policy"}
	msg := sprintf("%s: authoritative IAM policies replace grants made elsewhere; use *_iam_member", [label(r)])
}

deny contains msg if {
	some g in iam_grants
	startswith(g.type, "google_project_iam_")
	g.role in impersonation_roles
	msg := sprintf("%s: %s.%s grants %s on the project; grant it on the one service account", [g.path, g.type, g.name, g.role])
}

deny contains msg if {
	some r in resources
	r.type == "google_iam_workload_identity_pool_provider"
	object.get(r.body, "attribute_condition", "") == ""
	msg := sprintf("%s: needs an attribute_condition (without one any GitHub repository's token is accepted)", [label(r)])
}
