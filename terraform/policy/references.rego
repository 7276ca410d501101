# What `terraform validate` would catch without provider schemas: references to variables,
# locals, resources and data sources that the module does not declare, and environment files
# that set variables the root does not have or miss one it requires. (validate itself needs the
# google provider, which cannot be fetched offline: docs/infrastructure.md.)
package main

import rego.v1

module_files contains file if {
	some file in input
	endswith(file.path, ".tf")
}

# Expressions of a module directory: every string that holds an interpolation.
expressions contains e if {
	some file in module_files
	walk(file.contents, [_, value])
	is_string(value)
	contains(value, "${")
	e := {"dir": dir_of(file.path), "path": file.path, "text": value}
}

declared_variables contains v if {
	some file in module_files
	some name, _ in file.contents.variable
	v := {"dir": dir_of(file.path), "name": name}
}

declared_locals contains l if {
	some file in module_files
	some body in file.contents.locals
	some name, _ in body
	l := {"dir": dir_of(file.path), "name": name}
}

declared_resources contains x if {
	some r in resources
	x := {"dir": r.dir, "type": r.type, "name": r.name}
}

declared_data contains x if {
	some d in data_sources
	x := {"dir": d.dir, "type": d.type, "name": d.name}
}

deny contains msg if {
	some e in expressions
	some match in regex.find_all_string_submatch_n(`(?:^|[^.\w])var\.([A-Za-z_][A-Za-z0-9_-]*)`, e.text, -1)
	not {"dir": e.dir, "name": match[1]} in declared_variables
	msg := sprintf("%s: var.%s is not declared in %s", [e.path, match[1], e.dir])
}

deny contains msg if {
	some e in expressions
	some match in regex.find_all_string_submatch_n(`(?:^|[^.\w])local\.([A-Za-z_][A-Za-z0-9_-]*)`, e.text, -1)
	not {"dir": e.dir, "name": match[1]} in declared_locals
	msg := sprintf("%s: local.%s is not declared in %s", [e.path, match[1], e.dir])
}

deny contains msg if {
	some e in expressions
	some match in regex.find_all_string_submatch_n(`(?:^|[^.\w])((?:google|helm)_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)`, e.text, -1)
	not {"dir": e.dir, "type": match[1], "name": match[2]} in declared_resources
	msg := sprintf("%s: %s.%s is not declared in %s", [e.path, match[1], match[2], e.dir])
}

deny contains msg if {
	some e in expressions
	some match in regex.find_all_string_submatch_n(`(?:^|[^.\w])data\.([a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)`, e.text, -1)
	not {"dir": e.dir, "type": match[1], "name": match[2]} in declared_data
	msg := sprintf("%s: data.%s.%s is not declared in %s", [e.path, match[1], match[2], e.dir])
}

# terraform/environments/<env>/<root>.tfvars sets the variables of terraform/<root>.
tfvars_files contains t if {
	some file in input
	endswith(file.path, ".tfvars")
	parts := regex.find_all_string_submatch_n(`^(.*)/environments/[^/]+/([^/]+)\.tfvars$`, file.path, 1)
	count(parts) == 1
	t := {"path": file.path, "root": sprintf("%s/%s", [parts[0][1], parts[0][2]]), "contents": file.contents}
}

deny contains msg if {
	some t in tfvars_files
	not root_exists(t.root)
	msg := sprintf("%s: no Terraform root at %s for this file", [t.path, t.root])
}

deny contains msg if {
	some t in tfvars_files
	root_exists(t.root)
	some name, _ in t.contents
	not {"dir": t.root, "name": name} in declared_variables
	msg := sprintf("%s: sets %s, which %s does not declare", [t.path, name, t.root])
}

deny contains msg if {
	some t in tfvars_files
	some file in module_files
	dir_of(file.path) == t.root
	some name, bodies in file.contents.variable
	not has_default(bodies[0])
	not name in object.keys(t.contents)
	msg := sprintf("%s: must set %s (required by %s)", [t.path, name, t.root])
}

root_exists(dir) if {
	some v in declared_variables
	v.dir == dir
}

has_default(body) if "default" in object.keys(body)
