// The share dialog's and the shared folder view's own strings, in Spanish.
import type { SharingStrings } from './en.ts';

export const es: SharingStrings = {
  shareTitle: 'Compartir «{name}»',
  shareScope:
    'Cada persona que añadas ve todo lo que hay en esta carpeta, y lo que se añada después.',
  peopleWithAccess: 'Personas con acceso',
  onlyYou: 'Solo tú puedes ver esta carpeta.',
  accessFor: 'Acceso de {email}',
  addPeople: 'Añadir personas',
  newAccess: 'Acceso de las personas que añadas',
  yourContacts: 'Tus contactos',
  noOtherContacts: 'No hay más contactos: añade a alguien por el correo con el que se registró.',
  addButton: 'Añadir',
  addNamed: 'Añadir {email}',
  compareWith: 'Comparar números de seguridad con {email}',
  keysBroken: 'Claves no válidas',
  unverifiedNote:
    'Sin verificar: compara los números de seguridad con esa persona, para saber que estas claves son suyas y que nadie se interpone.',
  memberKeysChanged:
    'Las claves de {email} cambiaron desde que lo añadiste. Compara con esa persona el nuevo número de seguridad y verifícalo de nuevo antes de cambiar su acceso.',
  keyChangedRefused:
    'Las claves de {email} cambiaron desde que lo añadiste, así que no se compartió nada. Compara con esa persona el nuevo número de seguridad, verifícalo y vuelve a intentarlo.',
  noAccount: 'Ninguna cuenta usa {email} en esta red.',
  badEmail: 'Escribe una dirección de correo, como nombre@example.com.',
  notYourself: 'Es tu propia cuenta: esta carpeta ya es tuya.',
  adding: 'Compartiendo con {email}…',
  removing: 'Quitando a {email} y cambiando las claves de la carpeta…',
  added: '{email} ya tiene acceso ({role}).',
  roleChanged: 'Acceso de {email}: {role}.',
  removed: '{email} ya no tiene acceso. Los archivos nuevos de la carpeta usan claves nuevas.',
  done: 'Listo',
  manageSharing: 'Gestionar el uso compartido',
  manageNamed: 'Gestionar el uso compartido de {path}',
  howToShare: 'Para compartir una carpeta, elige «Compartir» en ella, en Archivos.',
  backToShared: 'Volver a Compartido conmigo',
  sharedBy: 'Compartido por {owner}',
  viewOnly:
    'Puedes ver y descargar; solo el propietario y los editores pueden cambiar esta carpeta.',
  downloadZip: 'Descargar como zip',
};
