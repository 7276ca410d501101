# Buckets are private by construction, and nothing anywhere is granted to the public.
package main

import rego.v1

public_principals := {"allUsers", "allAuthenticatedUsers"}

deny contains msg if {
	some r in resources
	r.type == "google_storage_bucket"
	object.get(r.body, "uniform_bucket_level_access", false) != true
	msg := sprintf("%s: uniform_bucket_level_access must be true (IAM only, no object ACLs)", [label(r)])
}

deny contains msg if {
	some r in resources
	r.type == "google_storage_bucket"
	object.get(r.body, "public_access_prevention", "") != "enforced"
	msg := sprintf("%s: public_access_prevention must be \"enforced\"", [label(r)])
}

deny contains msg if {
	some r in resources
	r.type == "google_storage_bucket"
	object.get(block(r.body, "versioning"), "enabled", false) != true
	msg := sprintf("%s: versioning must be enabled (an overwrite or delete must be recoverable)", [label(r)])
}

deny contains msg if {
	some r in resources
	r.type == "google_storage_bucket"
	count(blocks(r.body, "lifecycle_rule")) == 0
	msg := sprintf("%s: needs a lifecycle_rule (old versions must expire)", [label(r)])
}

# ACLs bypass uniform access; IAM (bucket-level members) is the only way in.
deny contains msg if {
	some r in resources
	regex.match(`^google_storage_(bucket|default_object|object)_acl$`, r.type)
	msg := sprintf("%s: ACL resources are not allowed (uniform bucket-level access)", [label(r)])
}

deny contains msg if {
	some file in input
	walk(file.contents, [path, value])
	is_string(value)
	some principal in public_principals
	contains(value, principal)
	msg := sprintf("%s: %s grants to the public principal %s", [file.path, concat(".", [sprintf("%v", [p]) | some p in path]), principal])
}

# Storage roles on the project would reach every bucket in it: grant them on a bucket.
deny contains msg if {
	some g in iam_grants
	startswith(g.type, "google_project_iam_")
	startswith(g.role, "roles/storage.")
	msg := sprintf("%s: google_project_iam.%s grants %s project-wide; grant it on the bucket", [g.path, g.name, g.role])
}
