<#
.SYNOPSIS
    Creates a two-way forest trust between this forest and another lab's forest (the post's
    later parts rely on it). Runs as SYSTEM on this forest's DC; both forests' administrators
    come as protected parameters. Does nothing if the trust exists.
#>
param(
    [Parameter(Mandatory = $true)] [string] $LocalForest,
    [Parameter(Mandatory = $true)] [string] $LocalUser,
    # Protected parameter.
    [Parameter(Mandatory = $true)] [string] $LocalPassword,
    [Parameter(Mandatory = $true)] [string] $RemoteForest,
    [Parameter(Mandatory = $true)] [string] $RemoteUser,
    # Protected parameter.
    [Parameter(Mandatory = $true)] [string] $RemotePassword
)
# @include common.ps1

Invoke-LabStep "forest-trust" {
    $localContext = New-Object System.DirectoryServices.ActiveDirectory.DirectoryContext("Forest", $LocalForest, "$LocalUser@$LocalForest", $LocalPassword)
    $local = $null
    Wait-LabCondition "forest $LocalForest answers" { $script:local = [System.DirectoryServices.ActiveDirectory.Forest]::GetForest($localContext); $true } 30
    $local = $script:local
    $existing = $local.GetAllTrustRelationships() | Where-Object { $_.TargetName -eq $RemoteForest }
    if ($existing -and $existing.TrustDirection -eq "Bidirectional") { Write-LabLog "two-way trust with $RemoteForest already exists"; return }
    Wait-LabCondition "forest $RemoteForest answers through its conditional forwarder" {
        Resolve-DnsName -Name "_ldap._tcp.$RemoteForest" -Type SRV -DnsOnly -ErrorAction Stop | Out-Null; $true
    } 45
    $context = New-Object System.DirectoryServices.ActiveDirectory.DirectoryContext("Forest", $RemoteForest, "$RemoteUser@$RemoteForest", $RemotePassword)
    $remote = [System.DirectoryServices.ActiveDirectory.Forest]::GetForest($context)
    if ($existing) { $local.UpdateTrustRelationship($remote, "Bidirectional") } else { $local.CreateTrustRelationship($remote, "Bidirectional") }
    Write-LabLog "two-way forest trust $($local.Name) <-> $RemoteForest created"
}
