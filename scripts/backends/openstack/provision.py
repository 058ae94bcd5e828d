#!/usr/bin/python3
"""What the test OpenStack holds besides its services; run by scripts/backends/openstack.sh.

  provision.py identity   projects, roles, users (admin, demo, one per service), the catalog
  provision.py resources  flavors, an image, the external network, the demo project's quotas,
                          the demo user's application credential, and the files the tests read:
                          /etc/openstack/clouds.yaml and /etc/openstack/maestro-test.json

Everything is looked up before it is made, so either step can run again at any time. Run with
Debian's /usr/bin/python3: the OpenStack client libraries are Debian packages. Settings come
from the environment openstack.sh exports (OS_TEST_*).
"""
import io
import json
import os
import sys
import time

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

env = os.environ
HOST = env["OS_TEST_HOST"]
REGION = env["OS_TEST_REGION"]
AUTH_URL = f"http://{HOST}:5000/v3"
CINDER = env["OS_TEST_CINDER"] == "1"
REHASH = env.get("OS_TEST_REHASH") == "1"
SERVICE_USERS = ["nova", "placement", "glance", "neutron"] + (["cinder"] if CINDER else [])

# The benchmark boots 20 servers at once and the driver tests make volumes, networks and
# routers of their own while it may run: the defaults (10 instances, 20 cores) are too few.
DEMO_QUOTAS = {
    "compute": {"instances": 50, "cores": 100, "ram": 204800},
    "network": {"network": 100, "subnet": 100, "port": 500, "router": 50, "floatingip": 100,
                "security_group": 100, "security_group_rule": 1000},
    "volume": {"volumes": 50, "snapshots": 50, "gigabytes": 1000},
}
APP_CREDENTIAL_NAME = "maestro-test"


def log(message):
    print(f"[provision] {message}", flush=True)


def password_session(user, password, project):
    return ks_session.Session(auth=v3.Password(
        auth_url=AUTH_URL, username=user, password=password, project_name=project,
        user_domain_id="default", project_domain_id="default"))


def admin_session():
    return password_session("admin", env["OS_TEST_ADMIN_PASSWORD"], "admin")


def first(items):
    return items[0] if items else None


def identity():
    from keystoneclient.v3 import client
    ks = client.Client(session=admin_session(), region_name=REGION)

    def project(name):
        return first(ks.projects.list(name=name, domain="default")) or ks.projects.create(name, "default")

    def role(name):
        return first(ks.roles.list(name=name)) or ks.roles.create(name)

    def user(name, password, proj, roles):
        found = first(ks.users.list(name=name, domain="default"))
        if found is None:
            found = ks.users.create(name, domain="default", password=password, default_project=proj)
        elif REHASH:
            # Setting a password revokes the user's tokens (running services and tests hold
            # some), so it is done only when openstack.sh asks: once, for users whose password
            # was hashed before password_hash_rounds was lowered.
            ks.users.update(found, password=password)
        for r in roles:
            ks.roles.grant(role(r), user=found, project=proj)

    service, demo = project("service"), project("demo")
    for name in ("member", "reader", "service"):
        role(name)
    for name in SERVICE_USERS:
        user(name, env["OS_TEST_SERVICE_PASSWORD"], service, ["admin", "service"])
    user("demo", env["OS_TEST_DEMO_PASSWORD"], demo, ["member", "reader"])

    # Block storage is listed under both of its service types: volumev3 is what nova (Zed) and
    # most SDKs look up, block-storage is the official name newer clients look up first.
    volume_url = f"http://{HOST}:8776/v3/%(project_id)s"
    catalog = {
        "compute": ("nova", f"http://{HOST}:8774/v2.1"),
        "placement": ("placement", f"http://{HOST}:8778"),
        "image": ("glance", f"http://{HOST}:9292"),
        "network": ("neutron", f"http://{HOST}:9696"),
        "volumev3": ("cinderv3", volume_url),
        "block-storage": ("cinder", volume_url),
    }
    for stype, (name, url) in catalog.items():
        svc = first(ks.services.list(type=stype))
        wanted = CINDER or stype not in ("volumev3", "block-storage")
        if not wanted:
            # With Cinder left out, the catalog must not send the tests to a port nothing answers.
            if svc is not None:
                log(f"removing {stype} from the catalog (Cinder is off)")
                for ep in ks.endpoints.list(service=svc):
                    ks.endpoints.delete(ep)
                ks.services.delete(svc)
            continue
        svc = svc or ks.services.create(name, type=stype)
        for iface in ("public", "internal", "admin"):
            ep = first(ks.endpoints.list(service=svc, interface=iface, region=REGION))
            if ep is None:
                ks.endpoints.create(svc, url, interface=iface, region=REGION)
            elif ep.url != url:
                ks.endpoints.update(ep, url=url)
    if REHASH:
        # last: it revokes the token this client works with (keystone-manage bootstrap made admin
        # and sets the password again only when it no longer matches, keeping the old hash)
        ks.users.update(first(ks.users.list(name="admin", domain="default")), password=env["OS_TEST_ADMIN_PASSWORD"])
    log("projects, users and catalog in place")


def wait_for_hypervisor(nova, deadline_s=300):
    # nova-compute registers itself; the scheduler maps it to cell1 within
    # discover_hosts_in_cells_interval. Until then no server can be scheduled.
    deadline = time.monotonic() + deadline_s
    last = "none listed"
    while time.monotonic() < deadline:
        try:
            hypervisors = nova.hypervisors.list()
            up = [h for h in hypervisors if h.state == "up"]
            if up:
                return up[0].hypervisor_hostname
            last = ", ".join(f"{h.hypervisor_hostname} {h.state}" for h in hypervisors) or last
        except Exception as err:  # noqa: BLE001 - nova-api may still be starting
            last = str(err)
        time.sleep(1)
    sys.exit(f"no hypervisor came up in {deadline_s}s (last seen: {last}); see /var/log/nova/nova-compute.log")


def resources():
    from novaclient import client as nova_client
    from glanceclient import client as glance_client
    from neutronclient.v2_0 import client as neutron_client
    from keystoneclient.v3 import client as keystone_client

    admin = admin_session()
    nova = nova_client.Client("2.1", session=admin, region_name=REGION)
    glance = glance_client.Client("2", session=admin, region_name=REGION)
    neutron = neutron_client.Client(session=admin, region_name=REGION)
    keystone = keystone_client.Client(session=admin, region_name=REGION)

    hypervisor = wait_for_hypervisor(nova)
    log(f"hypervisor {hypervisor} up")

    names = {f.name for f in nova.flavors.list(is_public=None)}
    for name, ram, disk in (("m1.tiny", 512, 1), ("m1.small", 2048, 20)):
        if name not in names:
            nova.flavors.create(name, ram, 1, disk, is_public=True)

    images = list(glance.images.list(filters={"name": "fake-image"}))
    if not any(i.status == "active" for i in images):
        for broken in images:  # an upload cut short leaves a queued image behind
            glance.images.delete(broken.id)
        image = glance.images.create(name="fake-image", disk_format="raw", container_format="bare",
                                     visibility="public")
        # the fake virt driver never reads an image; 1 MiB of zeros is enough to be a real upload
        glance.images.upload(image.id, io.BytesIO(bytes(1048576)))

    # An external network for routers and floating IPs (203.0.113.0/24 is a documentation range).
    public = first(neutron.list_networks(name="public")["networks"])
    if public is None:
        public = neutron.create_network({"network": {
            "name": "public", "router:external": True, "provider:network_type": "flat",
            "provider:physical_network": "public"}})["network"]
    if not neutron.list_subnets(network_id=public["id"], cidr="203.0.113.0/24")["subnets"]:
        neutron.create_subnet({"subnet": {
            "name": "public-subnet", "network_id": public["id"], "ip_version": 4,
            "cidr": "203.0.113.0/24", "enable_dhcp": False}})

    demo_project = first(keystone.projects.list(name="demo", domain="default"))
    nova.quotas.update(demo_project.id, **DEMO_QUOTAS["compute"])
    neutron.update_quota(demo_project.id, {"quota": DEMO_QUOTAS["network"]})
    if CINDER:
        from cinderclient import client as cinder_client
        cinder = cinder_client.Client("3", session=admin, region_name=REGION)
        cinder.quotas.update(demo_project.id, **DEMO_QUOTAS["volume"])
    log("flavors, image, external network and demo quotas in place")

    credential = application_credential()
    write_client_files(credential)


def application_credential():
    """The demo user's application credential, with a secret we choose, so it can be written down.

    Only its owner may make one, hence the demo session. One that exists but no longer
    authenticates with our secret (made by someone else, or by an older run) is replaced.
    """
    from keystoneclient.v3 import client
    secret = env["OS_TEST_APP_CREDENTIAL_SECRET"]
    demo = password_session("demo", env["OS_TEST_DEMO_PASSWORD"], "demo")
    ks = client.Client(session=demo, region_name=REGION)
    user_id = demo.get_user_id()
    found = first([c for c in ks.application_credentials.list(user=user_id) if c.name == APP_CREDENTIAL_NAME])
    if found is not None and REHASH:
        ks.application_credentials.delete(found.id, user=user_id)
        found = None
    if found is not None:
        probe = ks_session.Session(auth=v3.ApplicationCredential(
            auth_url=AUTH_URL, application_credential_id=found.id, application_credential_secret=secret))
        try:
            probe.get_token()
            return {"id": found.id, "name": found.name, "secret": secret, "user_id": user_id}
        except Exception:  # noqa: BLE001 - any failure means the secret is not ours
            ks.application_credentials.delete(found.id, user=user_id)
    made = ks.application_credentials.create(
        APP_CREDENTIAL_NAME, user=user_id, secret=secret,
        description="Maestro's OpenStack driver tests (scripts/backends/openstack.sh)")
    log(f"application credential {made.id} made for demo")
    return {"id": made.id, "name": made.name, "secret": secret, "user_id": user_id}


def write_client_files(credential):
    admin_pw, demo_pw = env["OS_TEST_ADMIN_PASSWORD"], env["OS_TEST_DEMO_PASSWORD"]
    os.makedirs("/etc/openstack", exist_ok=True)

    def password_cloud(user, password, project):
        return (f'    auth: {{auth_url: "{AUTH_URL}", username: {user}, password: "{password}",\n'
                f"           project_name: {project}, user_domain_name: Default, project_domain_name: Default}}\n"
                f"    region_name: {REGION}\n    identity_api_version: 3\n")

    clouds = ("# Written by scripts/backends/openstack.sh: throw-away credentials of the test OpenStack.\n"
              "clouds:\n"
              "  devstack-admin:\n" + password_cloud("admin", admin_pw, "admin") +
              "  devstack:\n" + password_cloud("demo", demo_pw, "demo") +
              "  maestro-test-appcred:\n"
              "    auth_type: v3applicationcredential\n"
              f'    auth: {{auth_url: "{AUTH_URL}", application_credential_id: "{credential["id"]}",\n'
              f'           application_credential_secret: "{credential["secret"]}"}}\n'
              f"    region_name: {REGION}\n    identity_api_version: 3\n")
    write("/etc/openstack/clouds.yaml", clouds)

    # Each of password / applicationCredential / admin is a region setting the driver's
    # parseOpenStackConfig (src/clouds/openstack/config.ts) takes as it is.
    def password_region(user, password, project):
        return {"authUrl": AUTH_URL, "region": REGION,
                "project": {"name": project, "domain": {"name": "Default"}},
                "user": {"name": user, "domain": {"name": "Default"}, "password": password}}

    test_config = {
        "password": password_region("demo", demo_pw, "demo"),
        "applicationCredential": {"authUrl": AUTH_URL, "region": REGION,
                                  "applicationCredential": {"id": credential["id"], "secret": credential["secret"]}},
        "admin": password_region("admin", admin_pw, "admin"),
        "resources": {"flavors": ["m1.tiny", "m1.small"], "image": "fake-image",
                      "externalNetwork": "public", "externalSubnet": "203.0.113.0/24",
                      "computeHost": env["OS_TEST_COMPUTE_HOST"]},
        "blockStorage": CINDER,
        "notifications": {"amqpUrl": env["OS_TEST_NOTIFICATIONS_URL"], "exchange": "nova",
                          "queue": "versioned_notifications.info"},
    }
    write("/etc/openstack/maestro-test.json", json.dumps(test_config, indent=2) + "\n")


def write(path, text):
    # readable by the tests whoever runs them: these are throw-away test credentials
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


if __name__ == "__main__":
    {"identity": identity, "resources": resources}[sys.argv[1]]()
