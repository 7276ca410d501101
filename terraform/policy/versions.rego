# Everything that is installed is pinned: providers and Helm charts at exact versions, so an
# apply next month installs what was reviewed today.
package main

import rego.v1

exact_version := `^v?[0-9]+\.[0-9]+\.[0-9]+$`

# GKE installs the NVIDIA driver and runs its own device plugin on GPU nodes: a second one (the
# NVIDIA chart or GPU operator) would compete with it.
gke_managed_charts := {"nvidia-device-plugin", "gpu-operator"}

deny contains msg if {
	some r in resources
	r.type == "helm_release"
	not regex.match(exact_version, sprintf("%v", [object.get(r.body, "version", "")]))
	msg := sprintf("%s: version must be an exact chart version (got %v)", [label(r), object.get(r.body, "version", "none")])
}

deny contains msg if {
	some r in resources
	r.type == "helm_release"
	not regex.match(`^(https|oci)://`, object.get(r.body, "repository", ""))
	msg := sprintf("%s: repository must be an https:// or oci:// chart repository", [label(r)])
}

deny contains msg if {
	some r in resources
	r.type == "helm_release"
	r.body.chart in gke_managed_charts
	msg := sprintf("%s: GKE manages the NVIDIA driver and device plugin; do not install %s", [label(r), r.body.chart])
}

deny contains msg if {
	some file in input
	some settings in file.contents.terraform
	some providers in settings.required_providers
	some name, requirement in providers
	not regex.match(exact_version, object.get(requirement, "version", ""))
	msg := sprintf("%s: required_providers.%s must pin an exact version (got %v)", [file.path, name, object.get(requirement, "version", "none")])
}
