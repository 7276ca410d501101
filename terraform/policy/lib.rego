# Helpers shared by the policies. conftest runs with --combine: `input` is a list of
# {path, contents}, one per parsed .tf/.tfvars file, where `contents` is the file as JSON
# (blocks are lists of bodies; an expression that is not a literal is its source text, "${...}").
package main

import rego.v1

# Every `resource "TYPE" "NAME" { BODY }` of every file.
resources contains r if {
	some file in input
	some type, named in file.contents.resource
	some name, bodies in named
	some body in bodies
	r := {"type": type, "name": name, "body": body, "path": file.path, "dir": dir_of(file.path)}
}

# Every `data "TYPE" "NAME"` block.
data_sources contains d if {
	some file in input
	some type, named in file.contents.data
	some name, _ in named
	d := {"type": type, "name": name, "dir": dir_of(file.path)}
}

dir_of(path) := trim_suffix(path, concat("/", ["", last(split(path, "/"))]))

last(parts) := parts[count(parts) - 1]

# The first body of a nested block (or an empty object when the block is absent).
block(body, name) := body[name][0] if {
	is_array(body[name])
	count(body[name]) > 0
} else := {}

blocks(body, name) := body[name] if is_array(body[name]) else := []

# IAM resources that grant `role` to `member(s)` at some level: *_iam_member / *_iam_binding.
iam_grants contains g if {
	some r in resources
	regex.match(`_iam_(member|binding)$`, r.type)
	g := {"type": r.type, "name": r.name, "path": r.path, "role": object.get(r.body, "role", ""), "body": r.body}
}

label(r) := sprintf("%s: %s.%s", [r.path, r.type, r.name])
