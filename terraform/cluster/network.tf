# A VPC of its own: a subnet with the pods' and services' secondary ranges (VPC-native cluster),
# and Cloud NAT, since the nodes have no public addresses but pull add-on images from public
# registries.
locals {
  name = "sentimentops-${var.environment}"
}

resource "google_compute_network" "vpc" {
  name                    = local.name
  auto_create_subnetworks = false

  depends_on = [google_project_service.apis]
}

resource "google_compute_subnetwork" "nodes" {
  name                     = "${local.name}-nodes"
  region                   = var.region
  network                  = google_compute_network.vpc.id
  ip_cidr_range            = var.network_cidrs.nodes
  private_ip_google_access = true

  secondary_ip_range {
    range_name    = "pods"
    ip_cidr_range = var.network_cidrs.pods
  }

  secondary_ip_range {
    range_name    = "services"
    ip_cidr_range = var.network_cidrs.services
  }
}

resource "google_compute_router" "nat" {
  name    = "${local.name}-nat"
  region  = var.region
  network = google_compute_network.vpc.id
}

resource "google_compute_router_nat" "nat" {
  name                               = "${local.name}-nat"
  region                             = var.region
  router                             = google_compute_router.nat.name
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

# The ingress controller's load balancer address (terraform/addons), reserved so that DNS records
# survive a reinstall of the controller.
resource "google_compute_address" "ingress" {
  name         = "${local.name}-ingress"
  region       = var.region
  address_type = "EXTERNAL"
  network_tier = "PREMIUM"

  depends_on = [google_project_service.apis]
}
