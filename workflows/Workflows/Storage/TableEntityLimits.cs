using System.Text.Json;
using Azure;

namespace Workflows.Storage;

/// <summary>
/// Azure Table storage's documented limits on one entity, checked on the OData JSON body we send. Azurite does not
/// enforce them the way Azure does, so without this check a row that grew too big passes every test and fails in
/// production. Sources: "Scalability and performance targets for Table storage" and "Understanding the Table
/// service data model" (learn.microsoft.com); the size of an entity follows the service's published estimate
/// (4 bytes + 2 per key character + per property 8 bytes + 2 per name character + its value's size).
/// </summary>
public static class TableEntityLimits
{
    /// <summary>An entity's size, all properties included: 1 MiB.</summary>
    public const int MaxEntityBytes = 1024 * 1024;

    /// <summary>A string property: 64 KiB of UTF-16, so 32 Ki characters.</summary>
    public const int MaxStringChars = 32 * 1024;

    /// <summary>A binary property: 64 KiB.</summary>
    public const int MaxBinaryBytes = 64 * 1024;

    /// <summary>Properties of one entity, PartitionKey, RowKey and Timestamp included.</summary>
    public const int MaxProperties = 255;

    /// <summary>A property name's characters.</summary>
    public const int MaxPropertyNameChars = 255;

    /// <summary>A PartitionKey or RowKey: a string of up to 1024 characters.</summary>
    public const int MaxKeyChars = 1024;

    /// <summary>Entities in one entity-group transaction.</summary>
    public const int MaxBatchOperations = 100;

    /// <summary>An entity-group transaction's payload: under 4 MiB.</summary>
    public const int MaxBatchBytes = 4 * 1024 * 1024;

    /// <summary>The estimated size of a string property's value, as the service counts it.</summary>
    /// <param name="chars">The string's UTF-16 length.</param>
    /// <returns>Bytes.</returns>
    public static long StringBytes(int chars) => 4 + (2L * chars);

    /// <summary>Checks one entity's JSON body (the object the SDK sends for an insert, update or merge).</summary>
    /// <param name="entity">The entity as OData JSON: properties, and <c>name@odata.type</c> annotations.</param>
    /// <returns>The first limit broken, or null when the entity fits.</returns>
    public static TableEntityLimitException? Check(JsonElement entity)
    {
        if (entity.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in entity.EnumerateObject())
        {
            var at = p.Name.IndexOf("@odata.type", StringComparison.Ordinal);
            if (at > 0 && p.Value.ValueKind == JsonValueKind.String)
            {
                types[p.Name[..at]] = p.Value.GetString()!;
            }
        }

        string? partitionKey = null, rowKey = null;
        long size = 4;
        var properties = 3;
        foreach (var p in entity.EnumerateObject())
        {
            // Annotations (odata.etag, name@odata.type) and the service's own Timestamp are no properties of ours.
            if (p.Name.Contains('@', StringComparison.Ordinal) || p.Name.StartsWith("odata.", StringComparison.Ordinal) || p.Name == "Timestamp")
            {
                continue;
            }

            if (p.Name is "PartitionKey" or "RowKey")
            {
                var key = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                if (KeyProblem(p.Name, key) is { } keyProblem)
                {
                    return keyProblem;
                }

                if (p.Name == "PartitionKey")
                {
                    partitionKey = key;
                }
                else
                {
                    rowKey = key;
                }

                size += 2L * key.Length;
                continue;
            }

            if (p.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (p.Name.Length > MaxPropertyNameChars)
            {
                return new TableEntityLimitException("PropertyNameTooLong", p.Name[..32] + "…", $"Property name of {p.Name.Length} characters exceeds {MaxPropertyNameChars}.");
            }

            if (++properties > MaxProperties)
            {
                return new TableEntityLimitException("TooManyProperties", p.Name, $"More than {MaxProperties} properties (PartitionKey, RowKey and Timestamp included).");
            }

            types.TryGetValue(p.Name, out var type);
            long value;
            switch (type)
            {
                case "Edm.Binary":
                    var bytes = Base64Length(p.Value.GetString() ?? string.Empty);
                    if (bytes > MaxBinaryBytes)
                    {
                        return new TableEntityLimitException("PropertyValueTooLarge", p.Name, $"Binary property {p.Name} holds {bytes} bytes; at most {MaxBinaryBytes}.");
                    }

                    value = 4 + bytes;
                    break;
                case "Edm.Guid":
                    value = 16;
                    break;
                case "Edm.DateTime" or "Edm.Int64" or "Edm.Double":
                    value = 8;
                    break;
                case "Edm.Int32":
                    value = 4;
                    break;
                case "Edm.Boolean":
                    value = 1;
                    break;
                default:
                    value = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => 0,
                        JsonValueKind.True or JsonValueKind.False => 1,
                        JsonValueKind.Number => p.Value.TryGetInt32(out _) ? 4 : 8,
                        _ => StringBytes(p.Value.GetRawText().Length),
                    };
                    if (p.Value.ValueKind == JsonValueKind.String)
                    {
                        var chars = p.Value.GetString()!.Length;
                        if (chars > MaxStringChars)
                        {
                            return new TableEntityLimitException("PropertyValueTooLarge", p.Name, $"String property {p.Name} holds {chars} characters; at most {MaxStringChars} (64 KiB of UTF-16).");
                        }

                        value = StringBytes(chars);
                    }

                    break;
            }

            size += 8 + (2L * p.Name.Length) + value;
        }

        return size > MaxEntityBytes
            ? new TableEntityLimitException("EntityTooLarge", null, $"Entity {partitionKey}/{rowKey} is {size} bytes; at most {MaxEntityBytes} (1 MiB).")
            : null;
    }

    /// <summary>Whether a key value is one the service accepts: at most 1024 characters, none of / \ # ? or a control character.</summary>
    /// <param name="name">PartitionKey or RowKey.</param>
    /// <param name="key">The value.</param>
    /// <returns>The problem, or null.</returns>
    public static TableEntityLimitException? KeyProblem(string name, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length > MaxKeyChars)
        {
            return new TableEntityLimitException("KeyValueTooLarge", name, $"{name} of {key.Length} characters exceeds {MaxKeyChars}.");
        }

        // char.IsControl is exactly U+0000-U+001F and U+007F-U+009F, the ranges the service forbids.
        var bad = key.IndexOfAny(['/', '\\', '#', '?']) is var i and >= 0 ? i : key.ToList().FindIndex(char.IsControl);
        return bad >= 0
            ? new TableEntityLimitException("OutOfRangeInput", name, $"{name} holds U+{(int)key[bad]:X4} at {bad}, which a key may not contain.")
            : null;
    }

    static int Base64Length(string base64)
    {
        var padding = base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0;
        return (base64.Length / 4 * 3) - padding;
    }
}

/// <summary>
/// An entity broke one of Azure Table storage's limits and was not sent. A 400 as the service would give, with
/// an error code of its kind and the property named, so the log says which row of which table grew too big.
/// </summary>
public sealed class TableEntityLimitException : RequestFailedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">The service's error code for this kind of problem (EntityTooLarge, PropertyValueTooLarge, ...).</param>
    /// <param name="property">The property at fault, when one is.</param>
    /// <param name="message">What is too big, and the limit.</param>
    public TableEntityLimitException(string errorCode, string? property, string message)
        : base(400, message, errorCode, null) => Property = property;

    /// <summary>The property at fault; null when the entity as a whole is too big.</summary>
    public string? Property { get; }

    /// <summary>The table the entity was for, once known.</summary>
    public string? Table { get; init; }
}
