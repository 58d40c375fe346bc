metadata description = 'Data-plane roles on the storage account and Application Insights, assigned under deterministic names.'

@description('The storage account the roles apply to.')
param storageAccountName string

@description('Application Insights the app publishes telemetry to.')
param applicationInsightsName string

@description('Object id of the function app\'s system-assigned identity.')
param appPrincipalId string

@description('Object id of the person (or pipeline) deploying, to inspect the data with Entra ID; empty assigns nothing.')
param userPrincipalId string = ''

// Built-in role definition ids; they are the same in every tenant.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

// The host needs blob ownership (leases, the deployment package), queues and tables (Durable Functions' task hub);
// our read models use tables and blobs.
var appStorageRoles = [
  storageBlobDataOwner
  storageQueueDataContributor
  storageTableDataContributor
]

// Enough to browse the task hub and read models, or to run the local server against this account.
var userStorageRoles = [
  storageBlobDataContributor
  storageQueueDataContributor
  storageTableDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Names derive from scope, principal and role, so a redeployment finds the same assignments instead of adding more.
resource appStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in appStorageRoles: {
    name: guid(storage.id, appPrincipalId, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: appPrincipalId
      // Stated so that ARM does not look up a just-created identity that may not have replicated yet.
      principalType: 'ServicePrincipal'
    }
  }
]

resource appTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// No principalType: the deployer may be a user or a service principal, and ARM resolves an existing one itself.
resource userStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in userStorageRoles: if (!empty(userPrincipalId)) {
    name: guid(storage.id, userPrincipalId, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: userPrincipalId
    }
  }
]
