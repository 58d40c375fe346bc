using System.Globalization;
using System.Text.Json;
using Microsoft.JSInterop;

namespace Workflows.Portal.Shell;

/// <summary>
/// Who is signed in on this page and in which language: the bearer token and the user the sign-in answered, kept in the
/// browser's session storage (gone with the tab, never in a cookie the API would have to guard against), and the
/// language in local storage (kept across visits).
/// </summary>
public sealed class Session
{
    const string SessionKey = "workflows.session";
    const string LanguageKey = "workflows.lang";

    IJSRuntime? js;

    /// <summary>The signed-in user, or null.</summary>
    public SignedInUser? User { get; private set; }

    /// <summary>"zh" (the default) or "en".</summary>
    public string Language { get; private set; } = "zh";

    /// <summary>Whether the page shows English.</summary>
    public bool English => Language == "en";

    /// <summary>The culture the texts are read in.</summary>
    public CultureInfo Culture => new(English ? "en" : "zh-CN");

    /// <summary>Raised when someone signs in or out.</summary>
    public event Action? Changed;

    /// <summary>Reads what the browser kept.</summary>
    /// <param name="runtime">The page's JavaScript runtime.</param>
    public async Task LoadAsync(IJSRuntime runtime)
    {
        js = runtime;
        Language = await runtime.InvokeAsync<string?>("localStorage.getItem", LanguageKey) == "en" ? "en" : "zh";
        await runtime.InvokeVoidAsync("document.documentElement.setAttribute", "lang", English ? "en" : "zh-CN");
        if (await runtime.InvokeAsync<string?>("sessionStorage.getItem", SessionKey) is { Length: > 0 } json)
        {
            try
            {
                var user = JsonSerializer.Deserialize(json, PortalJson.Default.SignedInUser);
                User = user is not null && user.ExpiresAt > DateTimeOffset.UtcNow ? user : null;
            }
            catch (JsonException)
            {
                User = null;
            }
        }
    }

    /// <summary>Keeps a sign-in.</summary>
    /// <param name="user">Who signed in, with their token.</param>
    public async Task SignInAsync(SignedInUser user)
    {
        User = user;
        await Js.InvokeVoidAsync("sessionStorage.setItem", SessionKey, JsonSerializer.Serialize(user, PortalJson.Default.SignedInUser));
        Changed?.Invoke();
    }

    /// <summary>Forgets the sign-in.</summary>
    public async Task SignOutAsync()
    {
        User = null;
        await Js.InvokeVoidAsync("sessionStorage.removeItem", SessionKey);
        Changed?.Invoke();
    }

    /// <summary>Keeps the language; the caller reloads the page.</summary>
    /// <param name="language">"zh" or "en".</param>
    public async Task SetLanguageAsync(string language) =>
        await Js.InvokeVoidAsync("localStorage.setItem", LanguageKey, language == "en" ? "en" : "zh");

    IJSRuntime Js => js ?? throw new InvalidOperationException("The session was not loaded.");
}

/// <summary>A signed-in user as the page keeps them.</summary>
/// <param name="Id">The user's id.</param>
/// <param name="Name">The display name.</param>
/// <param name="Role">applicant, officer or admin.</param>
/// <param name="Department">An officer's department.</param>
/// <param name="Supervisor">An officer who supervises the department.</param>
/// <param name="Assist">An officer who may file for citizens (帮办代办).</param>
/// <param name="Token">The bearer token.</param>
/// <param name="ExpiresAt">When the token stops working.</param>
public sealed record SignedInUser(string Id, string Name, string Role, string? Department, bool Supervisor, bool Assist, string Token, DateTimeOffset ExpiresAt)
{
    /// <summary>A citizen or a company.</summary>
    public bool IsApplicant => Role == "applicant";

    /// <summary>A department's officer.</summary>
    public bool IsOfficer => Role == "officer";

    /// <summary>An administrator.</summary>
    public bool IsAdministrator => Role == "admin";
}
