metadata description = 'The portal (Blazor WebAssembly) as a Static Web App; its pages call the Functions app\'s origin with CORS.'

@description('Static Web App name.')
param name string

@description('Region of the Static Web App: it is offered in fewer regions than Flex Consumption, and only serves the site\'s configuration (the files come from a global edge).')
@allowed([
  'centralus'
  'eastasia'
  'eastus2'
  'westeurope'
  'westus2'
])
param location string

@description('Tags for the site; it also gets azd-service-name.')
param tags { *: string } = {}

@description('Standard allows custom domains with their certificates, private endpoints and an SLA; Free has none of these.')
@allowed([
  'Free'
  'Standard'
])
param sku string = 'Standard'

resource site 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  // azd deploys the `portal` service of azure.yaml to the resource carrying this tag.
  tags: union(tags, { 'azd-service-name': 'portal' })
  sku: {
    name: sku
    tier: sku
  }
  properties: {
    // azd uploads the published files with the site's deployment token; no repository builds it.
    provider: 'Custom'
    allowConfigFileUpdates: true
    // The portal is a public site; staging environments of pull requests would be public too, so there are none.
    stagingEnvironmentPolicy: 'Disabled'
    publicNetworkAccess: 'Enabled'
  }
}

output name string = site.name
output hostName string = site.properties.defaultHostname
output uri string = 'https://${site.properties.defaultHostname}'
