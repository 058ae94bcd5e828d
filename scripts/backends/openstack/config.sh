# shellcheck shell=bash
# Sourced by scripts/backends/openstack.sh: the configuration files of every service, written
# whole (the packaged ones set options for a multi-node install and would need too many edits).
# write_file leaves a file alone when its content is the same, so a run that changes nothing
# restarts nothing.

db_url() { echo "mysql+pymysql://$DB_USER:$DB_PASSWORD@$HOST/$1?charset=utf8"; }

# [keystone_authtoken] of a service that validates the tokens it is sent, as user $1.
authtoken() {
  cat <<EOF
[keystone_authtoken]
www_authenticate_uri = http://$HOST:5000
auth_url = http://$HOST:5000
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASSWORD
region_name = $REGION
EOF
}

# keystoneauth options of a section through which one service calls another (nova -> placement).
client_auth() {
  cat <<EOF
auth_type = password
auth_url = http://$HOST:5000/v3
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASSWORD
region_name = $REGION
EOF
}

write_keystone_config() {
  write_file /etc/keystone/keystone.conf 0640 root:keystone <<EOF
[DEFAULT]
log_dir = /var/log/keystone
[database]
connection = $(db_url os_keystone)
[token]
provider = fernet
# bcrypt's default 12 rounds cost ~0.3 s of CPU per password or application-credential login,
# and the tests log in often on a 2-core machine; 4 (the least) makes a token ~10 times cheaper.
[identity]
password_hash_rounds = 4
# Every API call a test makes is a token validation in keystone: cache what a validation reads
# (assignments, catalog, the token itself) in keystone's own memory. One keystone process, so
# the in-process cache stays consistent; no memcached to run.
[cache]
enabled = true
backend = oslo_cache.dict
expiration_time = 600
[fernet_tokens]
key_repository = /etc/keystone/fernet-keys/
[credential]
key_repository = /etc/keystone/credential-keys/
EOF
}

write_placement_config() {
  write_file /etc/placement/placement.conf 0640 root:placement <<EOF
[DEFAULT]
log_dir = /var/log/placement
[api]
auth_strategy = keystone
[placement_database]
connection = $(db_url os_placement)
$(authtoken placement)
EOF
}

write_glance_config() {
  install -d -o glance -g glance /var/lib/glance/images /var/lib/glance/staging /var/lib/glance/tasks
  write_file /etc/glance/glance-api.conf 0640 root:glance <<EOF
[DEFAULT]
bind_host = $HOST
bind_port = 9292
workers = 1
log_dir = /var/log/glance
enabled_backends = fs:file
[database]
connection = $(db_url os_glance)
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = /var/lib/glance/images/
[os_glance_staging_store]
filesystem_store_datadir = /var/lib/glance/staging/
[os_glance_tasks_store]
filesystem_store_datadir = /var/lib/glance/tasks/
[paste_deploy]
flavor = keystone
[oslo_messaging_notifications]
driver = noop
$(authtoken glance)
EOF
}

# Neutron with ML2/OVN. No ovn-controller runs: the compute host is registered as an OVN chassis
# by hand (register_chassis), so ports bind but stay DOWN. The hand-made chassis never reports,
# hence agent_down_time at its maximum: it must never be taken for dead.
write_neutron_config() {
  install -d -o neutron -g neutron /var/lib/neutron /var/lib/neutron/lock
  write_file /etc/neutron/neutron.conf 0640 root:neutron <<EOF
[DEFAULT]
bind_host = $HOST
bind_port = 9696
core_plugin = ml2
service_plugins = ovn-router
auth_strategy = keystone
transport_url = $MQ_URL
api_workers = 1
rpc_workers = 0
rpc_state_report_workers = 0
agent_down_time = 2147483
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
log_dir = /var/log/neutron
state_path = /var/lib/neutron
[database]
connection = $(db_url os_neutron)
[nova]
$(client_auth nova)
[oslo_concurrency]
lock_path = /var/lib/neutron/lock
[oslo_messaging_notifications]
driver = noop
$(authtoken neutron)
EOF
  write_file /etc/neutron/plugins/ml2/ml2_conf.ini 0640 root:neutron <<EOF
[ml2]
type_drivers = flat,vlan,geneve
tenant_network_types = geneve
mechanism_drivers = ovn
extension_drivers = port_security
overlay_ip_version = 4
[ml2_type_flat]
flat_networks = *
[ml2_type_vlan]
network_vlan_ranges = physnet1:100:199
[ml2_type_geneve]
vni_ranges = 1:65536
max_header_size = 38
[ovn]
ovn_nb_connection = tcp:$HOST:6641
ovn_sb_connection = tcp:$HOST:6642
ovn_metadata_enabled = false
enable_distributed_floating_ip = false
EOF
}

# Nova with the in-memory fake virt driver: servers go through the real API, scheduler,
# placement and neutron, and no VM ever runs.
write_nova_config() {
  install -d -o nova -g nova /var/lib/nova /var/lib/nova/instances /var/lib/nova/tmp
  write_file /etc/nova/nova.conf 0640 root:nova <<EOF
[DEFAULT]
host = $COMPUTE_HOST
my_ip = $HOST
compute_driver = fake.FakeDriver
# one compute host: a resize has to stay on it
allow_resize_to_same_host = true
transport_url = $MQ_URL
enabled_apis = osapi_compute
osapi_compute_listen = $HOST
osapi_compute_listen_port = 8774
osapi_compute_workers = 1
state_path = /var/lib/nova
log_dir = /var/log/nova
[api]
auth_strategy = keystone
[api_database]
connection = $(db_url os_nova_api)
[database]
connection = $(db_url os_nova)
[conductor]
workers = 1
[scheduler]
workers = 1
# a new compute host is mapped to cell1 within seconds, not at the next manual discover_hosts
discover_hosts_in_cells_interval = 5
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
[oslo_concurrency]
lock_path = /var/lib/nova/tmp
# versioned notifications (instance.create.end, instance.power_off.end, ...) go to RabbitMQ
# vhost $MQ_VHOST, exchange nova, queue versioned_notifications.info, for the listener's tests
[oslo_messaging_notifications]
driver = messagingv2
[notifications]
notification_format = versioned
[vnc]
enabled = false
[glance]
region_name = $REGION
[cinder]
os_region_name = $REGION
$(client_auth nova)
[placement]
$(client_auth placement)
[neutron]
$(client_auth neutron)
[service_user]
send_service_user_token = true
$(client_auth nova)
$(authtoken nova)
EOF
}

# Cinder with the RBD driver on the local one-OSD Ceph (see ceph.sh for why not LVM). The fixed
# host name keeps volumes attached to the same backend whatever the machine's hostname is.
write_cinder_config() {
  install -d -o cinder -g cinder /var/lib/cinder /var/lib/cinder/tmp
  write_file /etc/cinder/cinder.conf 0640 root:cinder <<EOF
[DEFAULT]
host = $VOLUME_HOST
my_ip = $HOST
transport_url = $MQ_URL
auth_strategy = keystone
enabled_backends = ceph
glance_api_servers = http://$HOST:9292
state_path = /var/lib/cinder
log_dir = /var/log/cinder
[database]
connection = $(db_url os_cinder)
[ceph]
volume_driver = cinder.volume.drivers.rbd.RBDDriver
volume_backend_name = ceph
rbd_pool = volumes
rbd_ceph_conf = /etc/ceph/ceph.conf
rbd_user = cinder
rbd_secret_uuid = $CEPH_SECRET_UUID
[nova]
$(client_auth nova)
interface = public
[oslo_concurrency]
lock_path = /var/lib/cinder/tmp
[oslo_messaging_notifications]
driver = noop
$(authtoken cinder)
EOF
}
