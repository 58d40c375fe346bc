using System.Resources;

// The texts' neutral language is Chinese (Texts.resx): a Chinese page reads them without looking for a satellite.
[assembly: NeutralResourcesLanguage("zh")]
