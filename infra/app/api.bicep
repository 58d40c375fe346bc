metadata description = 'The engine as a Flex Consumption Functions app (.NET isolated) with a system-assigned identity and no secrets in its settings.'

@description('Function app name.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the plan; the app also gets azd-service-name.')
param tags { *: string } = {}

@description('The storage account of the host, the task hub, the read models and the deployment package.')
param storageAccountName string

@description('Blob container the Flex Consumption platform deploys the package from.')
param deploymentContainerName string

@description('Application Insights receiving the host\'s telemetry.')
param applicationInsightsName string

@description('.NET version of the isolated worker; the project targets net10.0.')
param runtimeVersion string = '10.0'

@description('Upper bound of instances the platform scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('The engine\'s own settings (task hub, storage endpoints, auth), added to the platform ones.')
param appSettings { *: string } = {}

@description('Client id of the API\'s Entra ID app registration: App Service Authentication validates its tokens.')
@minLength(1)
param authClientId string

@description('Entra ID issuer of the tokens (https://login.microsoftonline.com/<tenant>/v2.0), also the OpenID authority.')
@minLength(1)
param authIssuer string

@description('Audience the tokens must carry (the client id for v2.0 access tokens).')
@minLength(1)
param authAudience string

@description('Origins of the portal (https://host[:port], no path) whose pages may call the API: App Service CORS answers their preflights. Empty allows none.')
param corsOrigins string[] = []

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Flex Consumption runs on Linux only.
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  // azd deploys the `api` service of azure.yaml to the resource carrying this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Bearer tokens, never cookies: no credentials mode. The local server's own CORS (Cors:Origins) does the same.
      cors: {
        allowedOrigins: corsOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            // The package is read with the app's own identity (Storage Blob Data Owner), not a key.
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    }
  }
}

// Identity-based host storage: the host, its timers and leases, and the Durable Functions Azure Storage provider
// (which uses the AzureWebJobsStorage connection by default) all reach the account with the app's identity.
var hostSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  // App Insights has local auth off, so telemetry is sent with the system-assigned identity.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
}

resource settings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: app
  name: 'appsettings'
  properties: union(appSettings, hostSettings)
}

// App Service Authentication (Easy Auth) in front of every trigger: a request without a valid Entra ID token for this
// API is answered 401 before it reaches the worker, and the platform replaces any X-MS-CLIENT-PRINCIPAL header sent
// from outside with its own (it sets WEBSITE_AUTH_ENABLED=True, the only case the worker trusts that header in).
// Outside systems' callbacks and register events carry HMAC signatures, not tokens, so their routes are excluded;
// the worker checks their signatures.
resource auth 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: [
        '/api/systems/*'
        // Anyone may check a certificate's verification code, without signing in (the route answers only what it proves).
        '/api/certificates/*'
        // A probe reads the backlog without signing in (counts only).
        '/api/health/backlog'
      ]
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: authIssuer
        }
        validation: {
          allowedAudiences: [
            authAudience
          ]
        }
      }
    }
    login: {
      // An API, not a site: no sessions or stored tokens.
      tokenStore: {
        enabled: false
      }
    }
  }
}

// Deployment goes through Entra ID (azd uses the signed-in identity), so basic publishing credentials stay off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = app.name
output uri string = 'https://${app.properties.defaultHostName}'
output principalId string = app.identity.principalId
