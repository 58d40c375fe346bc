namespace Workflows.Templates;

/// <summary>Where a template version is in its life.</summary>
public enum TemplateStatus
{
    /// <summary>Being written; may be edited; no application can use it.</summary>
    Draft,

    /// <summary>Valid and frozen; new applications use it within its validity dates.</summary>
    Published,

    /// <summary>No longer used for new applications; applications already pinned to it go on.</summary>
    Retired,
}

/// <summary>A change the lifecycle does not allow, e.g. editing a published version or publishing a retired one.</summary>
public sealed class TemplateLifecycleException : InvalidOperationException, ILocalMessage
{
    /// <summary>Creates the exception.</summary>
    public TemplateLifecycleException() => Text = new("模板版本的状态不允许此更改。", Message);

    /// <summary>Creates the exception with a message (English only: the Chinese reader gets a general text).</summary>
    /// <param name="message">What was refused.</param>
    public TemplateLifecycleException(string message) : base(message) => Text = new("模板版本的状态不允许此更改。", message);

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="innerException">The cause.</param>
    public TemplateLifecycleException(string message, Exception innerException) : base(message, innerException) => Text = new("模板版本的状态不允许此更改。", message);

    /// <summary>Creates the exception with what was refused in both languages.</summary>
    /// <param name="text">What was refused.</param>
    public TemplateLifecycleException(LocalText text) : base(text?.En) => Text = text!;

    /// <inheritdoc />
    public LocalText Text { get; }
}

/// <summary>A template that breaks rules was offered for publishing; every problem is listed.</summary>
public sealed class TemplateInvalidException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TemplateInvalidException() => Problems = [];

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was refused.</param>
    public TemplateInvalidException(string message) : base(message) => Problems = [];

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="innerException">The cause.</param>
    public TemplateInvalidException(string message, Exception innerException) : base(message, innerException) => Problems = [];

    /// <summary>Creates the exception from the validator's problems.</summary>
    /// <param name="problems">The problems.</param>
    public TemplateInvalidException(IReadOnlyList<TemplateProblem> problems)
        : base($"The template has {problems?.Count} problem(s).") => Problems = problems ?? [];

    /// <summary>The problems, located.</summary>
    public IReadOnlyList<TemplateProblem> Problems { get; }
}

/// <summary>
/// One version of a template with its lifecycle: draft, then published with validity dates, then retired.
/// Every transition is guarded here; storage only persists what these methods return.
/// </summary>
/// <param name="Key">The template's key.</param>
/// <param name="Version">1, 2, ...</param>
/// <param name="Status">Draft, published or retired.</param>
/// <param name="Definition">The template document.</param>
/// <param name="CreatedAt">When the draft was created.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="PublishedAt">When it was published.</param>
/// <param name="ValidFrom">First moment new applications may use it.</param>
/// <param name="ValidTo">Moment from which new applications no longer use it; null for open-ended.</param>
/// <param name="RetiredAt">When it was retired.</param>
public sealed record TemplateVersion(
    string Key,
    int Version,
    TemplateStatus Status,
    BundleTemplate Definition,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime? PublishedAt = null,
    DateTime? ValidFrom = null,
    DateTime? ValidTo = null,
    DateTime? RetiredAt = null)
{
    /// <summary>A new draft.</summary>
    /// <param name="definition">The document.</param>
    /// <param name="version">Its version number.</param>
    /// <param name="now">Creation time.</param>
    /// <param name="by">Who creates it.</param>
    /// <returns>The draft.</returns>
    public static TemplateVersion NewDraft(BundleTemplate definition, int version, DateTime now, string by)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        return new TemplateVersion(definition.Key, version, TemplateStatus.Draft, definition, now, by);
    }

    // The status as a Chinese reader is told it.
    string StatusZh => Status switch
    {
        TemplateStatus.Draft => "草稿",
        TemplateStatus.Published => "已发布",
        _ => "已停用",
    };

    /// <summary>Replaces a draft's document.</summary>
    /// <param name="definition">The new document (same key).</param>
    /// <returns>The edited draft.</returns>
    /// <exception cref="TemplateLifecycleException">The version is not a draft, or the key changed.</exception>
    public TemplateVersion Edit(BundleTemplate definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (Status != TemplateStatus.Draft)
        {
            throw new TemplateLifecycleException(new LocalText($"{Key} v{Version} 为{StatusZh}；只有草稿可以编辑。请新建版本。", $"{Key} v{Version} is {Status.ToString().ToLowerInvariant()}; only a draft can be edited. Create a new version instead."));
        }

        if (definition.Key != Key)
        {
            throw new TemplateLifecycleException(new LocalText($"“{Key}”的版本不能把键改为“{definition.Key}”。", $"A version of '{Key}' cannot change its key to '{definition.Key}'."));
        }

        return this with { Definition = definition };
    }

    /// <summary>Publishes a valid draft for a period.</summary>
    /// <param name="now">Publication time.</param>
    /// <param name="validFrom">First moment of validity (not before now).</param>
    /// <param name="validTo">End of validity, or null.</param>
    /// <param name="catalog">What the template may refer to.</param>
    /// <returns>The published version.</returns>
    /// <exception cref="TemplateLifecycleException">The version is not a draft, or the dates are wrong.</exception>
    /// <exception cref="TemplateInvalidException">The template breaks rules.</exception>
    public TemplateVersion Publish(DateTime now, DateTime validFrom, DateTime? validTo, ServiceCatalog catalog)
    {
        if (Status != TemplateStatus.Draft)
        {
            throw new TemplateLifecycleException(new LocalText($"{Key} v{Version} 为{StatusZh}；只有草稿可以发布。", $"{Key} v{Version} is {Status.ToString().ToLowerInvariant()}; only a draft can be published."));
        }

        if (validTo is { } end && end <= validFrom)
        {
            throw new TemplateLifecycleException(new LocalText("有效期的结束须晚于开始。", "The end of validity must come after its start."));
        }

        var problems = TemplateValidator.Validate(Definition, catalog);
        if (problems.Count > 0)
        {
            throw new TemplateInvalidException(problems);
        }

        return this with { Status = TemplateStatus.Published, PublishedAt = now, ValidFrom = validFrom < now ? now : validFrom, ValidTo = validTo };
    }

    /// <summary>Retires a published version: new applications stop using it; those pinned to it go on.</summary>
    /// <param name="now">Retirement time.</param>
    /// <returns>The retired version.</returns>
    /// <exception cref="TemplateLifecycleException">The version is not published.</exception>
    public TemplateVersion Retire(DateTime now)
    {
        if (Status != TemplateStatus.Published)
        {
            throw new TemplateLifecycleException(new LocalText($"{Key} v{Version} 为{StatusZh}；只有已发布的版本可以停用。", $"{Key} v{Version} is {Status.ToString().ToLowerInvariant()}; only a published version can be retired."));
        }

        return this with { Status = TemplateStatus.Retired, RetiredAt = now };
    }

    /// <summary>Whether new applications may use this version at a moment.</summary>
    /// <param name="at">The moment.</param>
    /// <returns>True when published and within its validity.</returns>
    public bool InForceAt(DateTime at) => Status == TemplateStatus.Published && ValidFrom <= at && (ValidTo is null || at < ValidTo);
}
