metadata description = 'The Workflows engine on Azure: a Flex Consumption Functions app, its storage and its monitoring, for azd.'

// Subscription scope, as azd templates do: the environment gets a resource group of its own.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it seeds every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying identity; it gets data roles on the storage account. Empty assigns none.')
param principalId string = ''

@description('Resource group name; empty uses rg-<environment>.')
param resourceGroupName string = ''

@description('Durable Functions task hub (host.json reads %TaskHubName%): letters and digits, starting with a letter.')
@minLength(3)
@maxLength(45)
param taskHubName string = 'workflows'

@description('Prefix of the read models\' tables and containers (Storage:TablePrefix).')
@minLength(1)
@maxLength(40)
param tablePrefix string = 'wf'

@description('Client id of the API\'s app registration in Entra ID (AUTH_CLIENT_ID); required: without it nobody could sign in.')
@minLength(1)
param authClientId string

@description('Issuer of the JWTs the API accepts, also its OpenID authority; empty uses this tenant\'s Entra ID v2.0 issuer.')
param authIssuer string = ''

@description('Audience of the JWTs the API accepts; empty uses the client id (the audience of Entra ID v2.0 access tokens).')
param authAudience string = ''

@description('More origins of the portal whose pages may call the API (CORS), e.g. a custom domain ["https://portal.example.gov.cn"]; the Static Web App\'s own origin is always allowed.')
param portalOrigins string[] = []

@description('Region of the portal\'s Static Web App (offered in fewer regions than Flex Consumption; the files are served from a global edge anyway).')
@allowed([
  'centralus'
  'eastasia'
  'eastus2'
  'westeurope'
  'westus2'
])
param portalLocation string = 'eastasia'

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
// Names the modules look resources up by are computed here, not read from module outputs, so that What-If can
// predict them (what-if-short-circuiting).
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var applicationInsightsName = '${abbrs.insightsComponents}${resourceToken}'
var deploymentContainerName = 'app-package'
var issuer = empty(authIssuer) ? '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0' : authIssuer
var audience = empty(authAudience) ? authClientId : authAudience

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? '${abbrs.resourcesResourceGroups}${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    containerNames: [
      deploymentContainerName
    ]
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

// The portal calls the Functions app's origin with CORS rather than through a linked backend: linking hands the
// app's App Service Authentication to the Static Web App (it replaces the Entra ID provider configured in api.bicep),
// and the API's bearer tokens would then have to be the site's own. See docs/decisions/0022-portal-static-web-app.md.
module portal 'app/portal.bicep' = {
  name: 'portal'
  scope: rg
  params: {
    name: '${abbrs.webStaticSites}${resourceToken}'
    location: portalLocation
    tags: tags
    sku: 'Standard'
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  // The app's settings read the Application Insights resource by name.
  dependsOn: [
    monitoring
  ]
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: applicationInsightsName
    corsOrigins: union([portal.outputs.uri], portalOrigins)
    // The keys the engine binds (StorageOptions, the Auth section, host.json's %TaskHubName%). No connection
    // string: the engine then connects to the three endpoints with the default credential, here the app's identity.
    appSettings: {
      TaskHubName: taskHubName
      Storage__BlobServiceUri: storage.outputs.blobEndpoint
      Storage__QueueServiceUri: storage.outputs.queueEndpoint
      Storage__TableServiceUri: storage.outputs.tableEndpoint
      Storage__TablePrefix: tablePrefix
      // Bearer tokens checked against the authority's metadata (keys), this issuer and audience; no signing key, no
      // demo users and no OpenAPI document here (the Functions app serves none).
      Auth__Authority: issuer
      Auth__Issuer: issuer
      Auth__Audience: audience
    }
    authClientId: authClientId
    authIssuer: issuer
    authAudience: audience
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    applicationInsightsName: applicationInsightsName
    // The identity exists only once the app does, so What-If cannot predict these assignments' names. Naming them
    // by principal anyway keeps a recreated app (new identity) from colliding with its predecessor's assignments.
    #disable-next-line what-if-short-circuiting
    appPrincipalId: api.outputs.principalId
    userPrincipalId: principalId
  }
}

// azd reads these into the environment (azd env get-values).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output SERVICE_PORTAL_NAME string = portal.outputs.name
output SERVICE_PORTAL_URI string = portal.outputs.uri
// The portal's sign-in (scripts/portal-settings.sh writes them into its appsettings.json at deploy).
output AUTH_AUTHORITY string = issuer
output AUTH_CLIENT_ID string = authClientId
output AZURE_FUNCTION_NAME string = api.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output TASK_HUB_NAME string = taskHubName
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
