/** The environment variables, by setting. */
export const agentSettingNames = {
  configFile: 'MAESTRO_AGENT_CONFIG',
  amqpUrl: 'MAESTRO_AGENT_AMQP_URL',
  prefix: 'MAESTRO_AGENT_PREFIX',
  name: 'MAESTRO_AGENT_NAME',
  keyId: 'MAESTRO_AGENT_KEY_ID',
  secret: 'MAESTRO_AGENT_SECRET_KEY',
  dataDir: 'MAESTRO_AGENT_DATA_DIR',
  masterKey: 'MAESTRO_AGENT_MASTER_KEY',
  masterKeyFile: 'MAESTRO_AGENT_MASTER_KEY_FILE',
  heartbeatSeconds: 'MAESTRO_AGENT_HEARTBEAT_SECONDS',
  pollSeconds: 'MAESTRO_AGENT_POLL_SECONDS',
  listingSeconds: 'MAESTRO_AGENT_LISTING_SECONDS',
  logLevel: 'MAESTRO_AGENT_LOG_LEVEL',
} as const;
