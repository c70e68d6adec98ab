<#
.SYNOPSIS
    Creates the lab's Active Directory forest on this server: AD DS and DNS, then promotion.
    Runs once; on a domain controller it changes nothing. Restarts the server when done.
#>
param(
    [Parameter(Mandatory = $true)] [string] $DomainName,
    [Parameter(Mandatory = $true)] [string] $NetbiosName,
    # Protected parameter: never in the Run Command's plain settings.
    [Parameter(Mandatory = $true)] [string] $SafeModePassword
)
# @include common.ps1

Invoke-LabStep "promote-dc" {
    Wait-LabRestart
    if ((Get-CimInstance Win32_ComputerSystem).DomainRole -ge 4) { Write-LabLog "already a domain controller of $DomainName"; return }
    Install-LabFeature @("AD-Domain-Services", "DNS")
    Import-Module ADDSDeployment
    Write-LabLog "creating forest $DomainName ($NetbiosName)"
    Install-ADDSForest -DomainName $DomainName -DomainNetbiosName $NetbiosName `
        -SafeModeAdministratorPassword (ConvertTo-LabSecureString $SafeModePassword) `
        -InstallDns -ForestMode WinThreshold -DomainMode WinThreshold -NoRebootOnCompletion -Force | Out-Null
    Request-LabRestart "domain controller promotion"
}
